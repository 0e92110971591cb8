// PostgreSQL's own parser, as libpg_query ships it (Debian: libpg-query-dev, no pkg-config file;
// pg_query.h is in /usr/include). odb uses only pg_query_split_with_parser.
#include <pg_query.h>
