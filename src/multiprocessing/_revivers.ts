/**
 * Loads every process-object class of weft/multiprocessing, so that their handles revive in
 * a thread or child process whose code does not import them itself (`runtime/marshal.ts`
 * imports this module when a value it decodes holds such a handle).
 */
import './_containers.js';
import './array.js';
import './barrier.js';
import './condition.js';
import './connection.js';
import './event.js';
import './lock.js';
import './queue.js';
import './rlock.js';
import './semaphore.js';
import './simple_queue.js';
import './value.js';
