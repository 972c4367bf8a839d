/**
 * Loads every process-object class of weft/multiprocessing, so that their handles revive in
 * a child process even when the child's target module does not import them itself.
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
