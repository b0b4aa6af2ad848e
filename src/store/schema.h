// The store's schema and its migrations. Each migration runs once, in order, inside one
// transaction, and is recorded in schema_migrations; a newer database than this binary knows is
// refused rather than misread.
#pragma once

#include "store/sqlite_db.h"

namespace interactiond::store {

// Applies every pending migration. Throws SqliteError on failure or on a database written by a
// newer interactiond.
void MigrateSchema(Database& db);

// The schema version this binary writes.
int CurrentSchemaVersion();

}  // namespace interactiond::store
