import Foundation

/// One tracked database and its history: the working database keeps its name, and each revision
/// is a frozen database made with `CREATE DATABASE … TEMPLATE …`.
///
/// Getting a repository has no side effects. Reading (`log`, `info`, `tags`, `resolve`) takes no
/// lock and never waits for a change. Every change runs under odb's advisory lock on the database
/// (`changing`), after finishing what an interrupted odb left. Commands also start with
/// `recoverAbandoned()`, which repairs without waiting.
///
/// The work is synchronous: each call blocks until the server has answered. A signal stops it
/// cleanly (see `Interruption`).
public final class Repository {
    public let database: String
    let control: ControlDatabase
    let options: Options
    let events: @Sendable (Event) -> Void

    public struct Options: Sendable {
        /// End other sessions on the working database when it must be copied or replaced;
        /// false: refuse instead.
        public var terminate = true
        /// How long to wait for another odb working on the same database.
        public var lockTimeout: Duration = .seconds(60)
        /// The copy strategy to use; nil: the faster one for each copy.
        public var strategy: CopyStrategy?
        /// Whether a background worker (`odb maintain`) drops replaced databases and builds spares;
        /// false: a revert drops the database it replaced before returning.
        public var background = false

        public init(
            terminate: Bool = true, lockTimeout: Duration = .seconds(60), strategy: CopyStrategy? = nil,
            background: Bool = false
        ) {
            self.terminate = terminate
            self.lockTimeout = lockTimeout
            self.strategy = strategy
            self.background = background
        }
    }

    init(database: String, control: ControlDatabase, options: Options, events: @escaping @Sendable (Event) -> Void) {
        self.database = database
        self.control = control
        self.options = options
        self.events = events
    }

    var connection: Connection { control.connection }

    // The control tables, as they concern this database.
    var tracking: TrackedDatabase { TrackedDatabase(connection: connection, database: database) }
    var records: RevisionRecords { RevisionRecords(connection: connection, database: database) }
    var tagRecords: TagRecords { TagRecords(connection: connection, database: database) }
    var spareRecords: SpareRecords { SpareRecords(connection: connection, database: database) }
    var pendingRevisions: PendingRevisions { PendingRevisions(connection: connection, database: database) }
    var journal: Journal { Journal(connection: connection, database: database) }
    var discarded: DiscardedList { DiscardedList(connection: connection, database: database) }

    /// Where the working database stands; an error when it is not tracked.
    func state() throws -> TrackedDatabase.State {
        guard let state = try tracking.state() else { throw OdbError.notTracked(database: database) }
        return state
    }

    /// The revision the working database came from (0: none yet).
    public func workingParent() throws -> Int { try state().parent }

    func databaseExists(_ name: String) throws -> Bool { try connection.databaseExists(name) }

    /// Marks a named step of an operation (see `Step`): where a signal stops it.
    func reached(_ step: Step) throws { try step.reached(on: connection) }

    /// Runs a change under odb's lock on this database, after finishing whatever an interrupted
    /// odb left behind; `body` gets the state as that left it, so that every decision the change
    /// makes is made under the lock.
    ///
    /// With a background worker (`options.background`), the worker's copy is cancelled first,
    /// unless it is the build of `spare` (see `preemptWorker`). It is cancelled under the lock:
    /// the worker it preempts waits for that lock before it builds again, so the change never
    /// races a build it has just cancelled.
    func changing<T>(sparing spare: String? = nil, _ body: (TrackedDatabase.State) throws -> T) throws -> T {
        try control.withLock(on: database, timeout: options.lockTimeout, events: events) {
            if options.background { try preemptWorker(sparing: spare) }
            try finishInterrupted()
            return try body(try state())
        }
    }

    static var author: String {
        if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name }
        if let entry = getpwuid(geteuid()) { return String(cString: entry.pointee.pw_name) }
        return ""
    }
}
