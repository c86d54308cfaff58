/** The PostgreSQL store: several server processes sharing one database. */
export { type MigrateDatabaseOptions, migrateDatabase } from './migrations/migrate-database.js';
export { MigrationError, type MigrationErrorCode } from './migrations/migration.js';
export type { MigrationReport } from './migrations/runner.js';
export { createPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
