/// Hidden states: a revert keeps the working database it replaces, so that uncommitted work is
/// never lost. The swap renames it aside (`Names.discardedDatabase`) and freezes it like a
/// revision (`FencedSwap`'s `.keep`); in the swap's own transaction it becomes a row of
/// `odb.revisions` with a negative number (-1, -2, …; the next is one below the lowest, so numbers
/// are never reused), shown to people as `@1`, `@2` (`RevisionArgument.hidden`). Its parent is the
/// working database's parent at the time. `tip`, `odb log` (without `--all`), spares, purge's
/// `all`/`keeptags` and `info`'s counts consider only numbers above 0; `odb revert @N` returns to
/// one; retention (`HiddenRetention`) and `odb gc` drop their databases the way purge does.
extension Repository {
    /// Whether the working database may hold anything its parent does not, so that a revert has
    /// something to keep: what `odb status` says, "unknown" counting as changed. A session still
    /// on the database may have written less than a second ago, before its statistics reached
    /// the server (a session's leave the server with it): then the state is kept too.
    ///
    /// Asked in two halves, so that a revert's copy runs meanwhile: this one asks the control
    /// database what it needs and starts reading the working database's statistics and catalog
    /// on a session and a thread of their own; `WorkCheck.changed()` waits for that and compares.
    func startWorkCheck() throws -> WorkCheck {
        if try !connection.sessions(on: database).isEmpty { return .known(changed: true) }
        guard let stored = try tracking.baseline() else { return .known(changed: true) }
        return .reading(stored: stored, now: try startReadingBaseline())
    }

    /// `startWorkCheck`'s answer, or the reading that will give it.
    enum WorkCheck {
        case known(changed: Bool)
        case reading(stored: Baseline, now: BaselineReading)

        /// Whether the working database `database` holds work of its own, once the session that
        /// read it has left the server.
        func changed(_ database: String) throws -> Bool {
            switch self {
            case .known(let changed): changed
            case .reading(let stored, let now):
                try stored.compared(with: now.value(), database: database, parent: 0).verdict != .unchanged
            }
        }
    }

    /// What a revert is about to keep of the working database it replaces.
    struct HiddenKeep {
        /// The name the swap renames the working database to.
        let name: String
        let parent: Int
        let message: String
        let size: Int64
        let properties: DatabaseProperties
    }

    /// What to keep of the working database before a revert to `target` replaces it; nil when
    /// there is nothing to keep: no working database, or nothing changed since its parent.
    func hiddenKeep(
        aside: String?, working: DatabaseProperties?, parent: Int, target: Int, check: WorkCheck?
    ) throws -> HiddenKeep? {
        guard let aside, let working, let check, try check.changed(database) else { return nil }
        return HiddenKeep(
            name: aside, parent: parent, message: "replaced by revert to \(Self.label(target))",
            size: try connection.databaseSize(database), properties: working)
    }

    /// Inside the swap's transaction: records the kept database as the next hidden state, then
    /// forgets and lists as discarded the hidden states `retention` no longer keeps. Returns the
    /// new state's number (negative) and those forgotten.
    func recordHidden(_ keep: HiddenKeep, retention: HiddenRetention) throws -> (
        number: Int, expired: [(number: Int, name: String)]
    ) {
        let number = try records.nextHidden()
        try records.insert(
            .init(
                number: number, parent: keep.parent, dbname: keep.name, message: keep.message, author: Self.author,
                size: keep.size, properties: keep.properties))
        let expired = try forget(try expired(hidden: true, retention.rule).map(\.number))
        return (number, expired)
    }

    /// How people name revision `number`: `3`, or `@2` for hidden state -2.
    static func label(_ number: Int) -> String { number < 0 ? "@\(-number)" : "\(number)" }
}
