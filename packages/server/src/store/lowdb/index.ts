/** The lowdb store: embedded, file-backed, zero set-up. */
export { type ImportOptions, importConversation } from './bulk-import.js';
export { createLowdbStore, type LowdbStoreOptions } from './lowdb-store.js';
