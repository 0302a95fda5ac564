#include "sqlite_setup.h"

#include <sqlite3.h>

int sessiond_sqlite_set_up(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
