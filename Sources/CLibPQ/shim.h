#ifndef ODB_CLIBPQ_SHIM_H
#define ODB_CLIBPQ_SHIM_H

#include <libpq-fe.h>

// libpq's field codes are character-literal macros, which Swift does not import.
static const int ODB_PG_DIAG_SQLSTATE = 'C';
static const int ODB_PG_DIAG_MESSAGE_PRIMARY = 'M';
static const int ODB_PG_DIAG_MESSAGE_DETAIL = 'D';
static const int ODB_PG_DIAG_MESSAGE_HINT = 'H';

#endif
