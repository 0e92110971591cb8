import Foundation
import Revisions

extension Answer {
    /// `odb diff`: the schema's changes with their definitions and each table's changed rows,
    /// or with `stat` only the counts, one line a table, like `git diff --stat`.
    static func diff(_ report: DiffReport, stat: Bool) -> Answer {
        guard !report.isEmpty else { return Answer(value: report, text: "No differences") }
        let lines = stat ? Text.diffStat(report) : Text.diffLines(report)
        return Answer(value: report, text: lines.joined(separator: "\n"))
    }
}

extension Text {
    /// `--stat`: a line a table whose rows differ, a line for the schema, and a summary.
    static func diffStat(_ report: DiffReport) -> [String] {
        var lines: [String] = []
        let tables = (report.tables ?? []).filter { !$0.isEmpty }
        let width = tables.map { oneLine($0.table).count }.max() ?? 0
        for table in tables {
            let name = oneLine(table.table)
            let padded = name + String(repeating: " ", count: width - name.count)
            let rows = table.added + table.removed + table.changed
            lines.append(
                " \(padded) | \(count(rows, "row")): \(rowCounts(table))\(table.method == .multiset ? " (as a multiset)" : "")")
        }
        var summary: [String] = []
        if !tables.isEmpty {
            let added = tables.map(\.added).reduce(0, +)
            let removed = tables.map(\.removed).reduce(0, +)
            let changed = tables.map(\.changed).reduce(0, +)
            summary.append("\(count(tables.count, "table")) changed: \(count(added, "row")) added, \(removed) removed, \(changed) changed")
        }
        if let schema = report.schema, !schema.isEmpty { summary.append(schemaCounts(schema)) }
        for (label, names) in [("only in the old state", report.tablesOnlyOld), ("only in the new state", report.tablesOnlyNew)]
        where !names.isEmpty {
            summary.append("\(count(names.count, "table")) \(label)")
        }
        lines.append(" " + summary.joined(separator: "; "))
        return lines
    }

    /// The whole diff: each schema change with its definitions, then each table with its counts
    /// and the rows fetched.
    static func diffLines(_ report: DiffReport) -> [String] {
        var lines: [String] = []
        if let schema = report.schema, !schema.isEmpty {
            lines.append("schema: \(schemaCounts(schema))")
            for change in schema { lines += schemaChange(change) }
        }
        for (label, names) in [("only in the old state", report.tablesOnlyOld), ("only in the new state", report.tablesOnlyNew)]
        where !names.isEmpty {
            lines.append("tables \(label), rows not compared: \(names.map(oneLine).joined(separator: ", "))")
        }
        for table in report.tables ?? [] { lines += tableLines(table) }
        return lines
    }

    /// `2 added, 1 removed, 3 changed`, leaving out the zeros (a multiset never has changed rows).
    static func rowCounts(_ table: TableDiff) -> String {
        let parts = [(table.added, "added"), (table.removed, "removed"), (table.changed, "changed")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return parts.isEmpty ? "no rows differ" : parts.joined(separator: ", ")
    }

    static func schemaCounts(_ changes: [SchemaChange]) -> String {
        let parts = [SchemaChange.Change.added, .removed, .changed].compactMap { kind -> String? in
            let number = changes.filter { $0.change == kind }.count
            return number == 0 ? nil : "\(number) \(kind.rawValue)"
        }
        return "\(count(changes.count, "schema object")) \(changes.count == 1 ? "differs" : "differ") (\(parts.joined(separator: ", ")))"
    }

    static func schemaChange(_ change: SchemaChange) -> [String] {
        let sign =
            switch change.change {
            case .added: "+"
            case .removed: "-"
            case .changed: "~"
            }
        var lines = ["  \(sign) \(change.kind.rawValue) \(oneLine(change.name))"]
        func definition(_ text: String?, _ mark: String) {
            guard let text, !text.isEmpty else { return }
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("      \(mark)\(oneLine(String(line)))")
            }
        }
        switch change.change {
        case .added: definition(change.new, "")
        case .removed: definition(change.old, "")
        case .changed:
            definition(change.old, "- ")
            definition(change.new, "+ ")
        }
        return lines
    }

    static func tableLines(_ table: TableDiff) -> [String] {
        let how =
            switch table.method {
            case .primaryKey: "by primary key (\(table.key.map(oneLine).joined(separator: ", ")))"
            case .uniqueKey: "by unique key (\(table.key.map(oneLine).joined(separator: ", ")))"
            case .multiset: "as a multiset: no primary key or unique key of NOT NULL columns"
            }
        var lines = ["\(oneLine(table.table)): \(rowCounts(table)), compared \(how)"]
        if !table.columnsOnlyOld.isEmpty || !table.columnsOnlyNew.isEmpty {
            var parts: [String] = []
            if !table.columnsOnlyOld.isEmpty {
                parts.append("only old: \(table.columnsOnlyOld.map(oneLine).joined(separator: ", "))")
            }
            if !table.columnsOnlyNew.isEmpty {
                parts.append("only new: \(table.columnsOnlyNew.map(oneLine).joined(separator: ", "))")
            }
            lines.append("  columns differ, compared on the common ones (\(parts.joined(separator: "; ")))")
        }
        for row in table.rows { lines.append("  " + rowLine(row, columns: table.columns, key: table.key)) }
        let differing = table.added + table.removed + table.changed
        let shown = table.rows.map { $0.copies ?? 1 }.reduce(0, +)
        if !table.rows.isEmpty, shown < differing {
            lines.append("  … \(differing - shown) more (--rows N shows more)")
        }
        return lines
    }

    /// `+ id=4 name='ann'`, `- …`, `~ id=3 name: 'bob' → 'rob'` (a changed row shows only the
    /// columns that changed), `+ (2 copies) …` for a multiset.
    static func rowLine(_ row: RowChange, columns: [String], key: [String]) -> String {
        func assignments(_ values: [String?]) -> String {
            zip(columns, values).map { "\(oneLine($0))=\(value($1))" }.joined(separator: " ")
        }
        let copies = (row.copies ?? 1) > 1 ? "(\(row.copies ?? 1) copies) " : ""
        switch row.change {
        case .added: return "+ \(copies)\(assignments(row.new ?? []))"
        case .removed: return "- \(copies)\(assignments(row.old ?? []))"
        case .changed:
            let old = row.old ?? []
            let new = row.new ?? []
            let keyPart = zip(key, row.key ?? []).map { "\(oneLine($0))=\(value($1))" }
            let changed = columns.indices.compactMap { index -> String? in
                let before = index < old.count ? old[index] : nil
                let after = index < new.count ? new[index] : nil
                return before == after ? nil : "\(oneLine(columns[index])): \(value(before)) → \(value(after))"
            }
            return "~ " + (keyPart + changed).joined(separator: " ")
        }
    }

    /// A value as PostgreSQL prints it, quoted as a literal (so NULL and 'NULL' differ), its
    /// control characters escaped, and cut after 60 characters with its full size said.
    static func value(_ text: String?) -> String {
        guard let text else { return "NULL" }
        let limit = 60
        let quoted = oneLine(text.replacingOccurrences(of: "'", with: "''"))
        guard quoted.count > limit else { return "'\(quoted)'" }
        return "'\(quoted.prefix(limit))…' (\(bytes(Int64(text.utf8.count))))"
    }
}

extension Text {
    /// `-v`: what the diff read, against what it compared.
    static func diffCost(_ stats: DiffStats) -> String {
        let share =
            stats.tableBytes > 0
            ? String(format: " (%.3f%% of them)", Double(stats.bytesRead) * 100 / Double(stats.tableBytes)) : ""
        return "read \(bytes(stats.bytesRead)) from the servers for \(count(stats.tablesCompared, "table")) of "
            + "\(bytes(stats.tableBytes))\(share); \(stats.chunksDiffering) of \(count(stats.chunks, "chunk")) differed"
    }
}
