import Revisions

extension Answer {
    /// `odb gc`: what was dropped (`dropped`: the numbers as stored, hidden states negative), or
    /// with `dropped` nil what would be (`--dry-run`, or nothing to drop).
    static func gc(_ plan: GcPlan, dropped: [Int]?) -> Answer {
        let revisions = dropped.map { $0.filter { $0 > 0 } } ?? plan.revisions
        let hidden = dropped.map { $0.filter { $0 < 0 }.map { -$0 } } ?? plan.hidden
        let names = revisions.map(String.init) + hidden.map { "@\($0)" }
        let text: String
        if names.isEmpty {
            text = "Nothing to drop"
        } else {
            text =
                "\(dropped == nil ? "Would drop" : "Dropped") \(Text.count(names.count, "database")) "
                + "(\(Text.bytes(plan.size))): \(names.joined(separator: ", "))"
        }
        return Answer(
            value: GcReport(
                database: plan.database, revisions: revisions, hidden: hidden, size: names.isEmpty ? 0 : plan.size,
                dryRun: dropped == nil && !names.isEmpty),
            text: text)
    }

    /// `odb du`: one line a database, the total, and the server's free space.
    static func diskUsage(_ usage: DiskUsage) -> Answer {
        var lines = usage.items.map { item in
            let size = item.size.map(Text.bytes) ?? "?"
            let what: String =
                switch item.kind {
                case .working: "working database"
                case .revision: "revision \(item.number ?? 0)"
                case .hidden: "hidden state @\(item.number ?? 0)"
                case .spare: "spare of revision \(item.number ?? 0)"
                case .checkout: "checkout"
                case .replaced: "replaced, to drop"
                }
            return size.padding(toLength: max(10, size.count), withPad: " ", startingAt: 0) + "  " + what + "  "
                + Text.oneLine(item.name)
        }
        lines.append("total: \(Text.bytes(usage.total))")
        if usage.shared {
            lines.append(
                "copies clone on this server: the databases share blocks, so these sizes overstate the disk they use")
        }
        if let free = usage.free, let filesystem = usage.filesystem {
            lines.append("free on the server's disk: \(Text.bytes(free)) of \(Text.bytes(filesystem))")
        } else {
            lines.append("free on the server's disk: unknown (odb cannot see the server's data directory)")
        }
        return Answer(value: usage, text: lines.joined(separator: "\n"))
    }
}

extension Text {
    /// What `odb gc` asks before it drops anything, on a terminal.
    static func gcQuestion(_ plan: GcPlan) -> String {
        "This drops \(plan.revisions.count + plan.hidden.count) databases of \(plan.database) (\(bytes(plan.size))): "
            + (plan.revisions.map(String.init) + plan.hidden.map { "@\($0)" }).joined(separator: ", ")
    }
}

/// What `odb gc --json` prints: the revisions and hidden states (N of `@N`) whose databases were
/// dropped (or, with `dryRun`, would be), and their recorded size in bytes.
struct GcReport: Encodable, Equatable {
    let database: String
    let revisions: [Int]
    let hidden: [Int]
    let size: Int64
    let dryRun: Bool

    enum CodingKeys: String, CodingKey {
        case database, revisions, hidden, size
        case dryRun
    }
}
