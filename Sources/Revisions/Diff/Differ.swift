/// What `odb diff` compares.
public struct DiffOptions: Sendable, Equatable {
    public var schema = true
    public var data = true
    /// Only these tables' rows, and only the schema objects of these tables (objects of no
    /// table — functions, sequences, views, … — are then left out).
    public var tables: TablePattern?
    /// How many differing rows of each table to fetch in full; counts need none.
    public var rows = 10

    public init(schema: Bool = true, data: Bool = true, tables: TablePattern? = nil, rows: Int = 10) {
        self.schema = schema
        self.data = data
        self.tables = tables
        self.rows = rows
    }
}

/// Compares two database states, each read through its own connection in one REPEATABLE READ
/// READ ONLY transaction: the schema object by object, and the rows of every table both have
/// (see `DataDiff` for how little that reads when few rows differ).
public struct Differ {
    let old: Connection
    let new: Connection

    /// `old` and `new` must be two connections (they may be on the same database).
    public init(old: Connection, new: Connection) {
        self.old = old
        self.new = new
    }

    public func diff(_ options: DiffOptions) throws -> DiffReport {
        let sides = (old: DiffSide(old), new: DiffSide(new))
        try sides.old.begin()
        do {
            try sides.new.begin()
        } catch {
            sides.old.rollBack()
            throw error
        }
        do {
            let report = try diff(sides.old, sides.new, options)
            try sides.old.end()
            try sides.new.end()
            return report
        } catch {
            sides.old.rollBack()
            sides.new.rollBack()
            throw error
        }
    }

    private func diff(_ oldSide: DiffSide, _ newSide: DiffSide, _ options: DiffOptions) throws -> DiffReport {
        var report = DiffReport()
        if options.schema {
            let changes = SchemaDiff(old: try SchemaSnapshot.read(on: old), new: try SchemaSnapshot.read(on: new)).changes
            report.schema = changes.filter { change in
                guard let pattern = options.tables else { return true }
                return change.table.map(pattern.matches) ?? false
            }
        }
        if options.data {
            let before = try TableShape.read(on: old, counting: oldSide)
            let after = try TableShape.read(on: new, counting: newSide)
            func wanted(_ name: String) -> Bool { options.tables?.matches(name) ?? true }
            let names = Set(before.keys).union(after.keys).filter(wanted).sorted {
                $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
            }
            var tables: [TableDiff] = []
            for name in names {
                guard let oldTable = before[name], let newTable = after[name] else {
                    if before[name] != nil { report.tablesOnlyOld.append(name) } else { report.tablesOnlyNew.append(name) }
                    continue
                }
                let comparison = TableComparison(old: oldTable, new: newTable)
                let table = try DataDiff(old: oldSide, new: newSide, comparison: comparison, rowLimit: max(0, options.rows))
                    .compare(into: &report.stats)
                report.stats.tablesCompared += 1
                report.stats.tableBytes += oldTable.bytes + newTable.bytes
                if !table.isEmpty || !table.columnsOnlyOld.isEmpty || !table.columnsOnlyNew.isEmpty { tables.append(table) }
            }
            report.tables = tables
        }
        report.stats.bytesRead = oldSide.bytesRead + newSide.bytesRead
        return report
    }
}
