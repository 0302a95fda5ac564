#ifndef SESSIOND_SQLITE_SETUP_H
#define SESSIOND_SQLITE_SETUP_H

/// Sets the process-wide SQLite options sessiond relies on; they only take effect before SQLite initializes, and
/// sqlite3_config is variadic, which Swift cannot call. One so far: SQLITE_CONFIG_MEMSTATUS off, so that SQLite no
/// longer takes a global mutex around every allocation to keep memory statistics that nothing reads
/// (sqlite3_memory_used, soft heap limits).
/// Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized (then nothing changed).
int sessiond_sqlite_set_up(void);

#endif
