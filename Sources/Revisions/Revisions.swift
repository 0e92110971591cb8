/// Revisions: odb's library. Every rule and every SQL statement lives here; the `odb` executable
/// only parses arguments and prints what these functions return.
