/// odb's advisory locks, taken in the control database: one class a purpose, keyed by a name.
enum LockClass: Int32, Sendable {
    /// One odb at a time changing a tracked database ("odb" in ASCII); keyed by its name.
    case database = 0x6f_6462
    /// The one background worker tidying a database's spares ("odc"); keyed by its name.
    case maintenance = 0x6f_6463
    /// One odb dropping a discarded database ("odd"); keyed by the database dropped.
    case drop = 0x6f_6464
    /// One odb dumping into a store's folder ("ode"); keyed by `<instance>/<database>/<config>`.
    case dump = 0x6f_6465
    /// One odb opening a frozen revision for a reader, or freezing it again ("odf"); keyed by the
    /// revision's database.
    case reading = 0x6f_6466
}

extension ControlDatabase {
    /// Holds odb's lock on one tracked database for the duration of `body` (see `lock(on:)`).
    func withLock<T>(on database: String, timeout: Duration, events: (Event) -> Void, _ body: () throws -> T) throws -> T {
        try lock(on: database, timeout: timeout, events: events)
        defer { unlock(.database, on: database) }
        return try body()
    }

    /// Takes odb's lock on one tracked database, waiting up to `timeout` for another odb
    /// (interruptible: a signal cancels the wait); the caller releases it with
    /// `unlock(.database, on:)`.
    func lock(on database: String, timeout: Duration, events: (Event) -> Void) throws {
        try lock(.database, on: database, timeout: timeout, events: events)
    }

    /// Takes odb's lock of `lockClass` on `key`, as `lock(on:)` does.
    func lock(_ lockClass: LockClass, on key: String, timeout: Duration, events: (Event) -> Void) throws {
        if try tryLock(lockClass, on: key) { return }
        let holder = try lockHolder(lockClass, on: key)
        events(.waitingForLock(database: key, holder: holder, timeout: timeout))
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        do {
            // lock_timeout for this one statement only: a transaction's SET LOCAL ends with it.
            try connection.transaction {
                try connection.query("SELECT set_config('lock_timeout', \(String(milliseconds)), true)")
                try connection.query("SELECT pg_advisory_lock(\(lockClass.rawValue), hashtext(\(key)))")
            }
        } catch SQLState.lockNotAvailable {
            throw OdbError.busy(database: key, holder: holder)
        }
    }

    /// Takes odb's advisory lock of `lockClass` on `key` if no session holds it.
    func tryLock(_ lockClass: LockClass, on key: String) throws -> Bool {
        try connection.query("SELECT pg_try_advisory_lock(\(lockClass.rawValue), hashtext(\(key))) AS ok").first?.bool("ok")
            == true
    }

    /// Releases a lock `tryLock` or `withLock` took; a lost connection released it already.
    func unlock(_ lockClass: LockClass, on key: String) {
        _ = try? connection.query("SELECT pg_advisory_unlock(\(lockClass.rawValue), hashtext(\(key)))")
    }

    /// The condition, on `pg_locks l`, that some session holds odb's lock of `lockClass` on `key`
    /// in this control database: for queries that look at who holds a lock without taking it.
    static func held(_ lockClass: LockClass, on key: String) -> SQL {
        """
        l.locktype = 'advisory' AND l.granted AND l.classid = \(Int64(lockClass.rawValue))::oid AND l.objid = hashtext(\(key))::oid
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """
    }

    /// The session holding a lock, if it is still there.
    func lockHolder(_ lockClass: LockClass, on key: String) throws -> Session? {
        try connection.query(
            """
            SELECT a.pid, coalesce(a.usename, '') AS usename, coalesce(a.application_name, '') AS application_name
            FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE \(Self.held(lockClass, on: key))
            LIMIT 1
            """
        ).first.map(Session.init(row:))
    }
}
