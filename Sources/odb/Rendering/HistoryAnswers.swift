import Revisions

extension Answer {
    /// `odb status`: one line with the verdict, then what changed, a line each.
    static func status(_ status: WorkingStatus) -> Answer {
        let database = Text.oneLine(status.database)
        let since = status.parent == 0 ? "since it was tracked" : "since revision \(status.parent)"
        var lines: [String]
        switch status.verdict {
        case .unchanged: lines = ["\(database): unchanged \(since)"]
        case .unknown: lines = ["\(database): unknown \(since): \(status.reason ?? "odb cannot tell")"]
        case .changed: lines = ["\(database): changed \(since)" + (status.exact ? "" : " (from the server's statistics)")]
        }
        if status.schemaChanged { lines.append("  schema changed") }
        for change in status.tables {
            let rows = change.rows.map { ", " + Text.count(Int($0), "row") + " written" } ?? ""
            let what =
                switch change.kind {
                case .written: Text.count(Int(change.rows ?? 0), "row") + (status.exact ? " differ" : " written")
                case .rewritten: "rewritten (truncated, or a command that rewrites a table)" + rows
                case .added: "new table"
                case .dropped: "dropped"
                }
            lines.append("  \(Text.oneLine(change.table)): \(what)")
        }
        for sequence in status.sequences { lines.append("  \(Text.oneLine(sequence)): sequence moved") }
        return Answer(value: status, text: lines.joined(separator: "\n"))
    }
}

extension Answer {
    /// `odb bisect`: the first state whose answer differs, or that none does.
    static func bisect(_ outcome: BisectOutcome) -> Answer {
        let compared =
            outcome.expected ? "is not \(Text.quotedAnswer(outcome.reference))" : "differs from revision \(outcome.good)'s"
        let end = outcome.bad.map { "revision \($0)" } ?? "the working database"
        let text: String
        if let first = outcome.first {
            let state = first == 0 ? "the working database" : "revision \(first)"
            text =
                "\(state) is the first whose answer \(compared): \(Text.quotedAnswer(outcome.firstAnswer ?? ""))"
                + " (\(Text.count(outcome.steps.count, "step")) over \(Text.count(outcome.states, "state")))"
        } else {
            text = "no state from revision \(outcome.good) to \(end) has an answer that \(compared)"
        }
        return Answer(value: outcome, text: text)
    }
}

extension Text {
    /// One bisect step, as it is taken.
    static func bisectStep(_ step: BisectStep) -> String {
        let state = step.number.map { "revision \($0)" } ?? "working database"
        return "\(state): \(quotedAnswer(step.answer)) (\(step.differs ? "differs" : "as before"))"
    }

    /// A query's answer on one line, shortened when long.
    static func quotedAnswer(_ answer: String) -> String {
        let line = oneLine(answer)
        return line.count > 60 ? "'" + line.prefix(57) + "…'" : "'\(line)'"
    }
}

extension Answer {
    static func checkedOut(_ checkout: Checkout) -> Answer {
        Answer(
            value: checkout,
            text:
                "Checked out revision \(checkout.revision) as '\(Text.oneLine(checkout.name))'; 'odb checkout --drop \(Text.oneLine(checkout.name))' drops it"
        )
    }

    static func checkouts(_ checkouts: [Checkout]) -> Answer {
        let lines = checkouts.map {
            "\(Text.oneLine($0.name))  revision \($0.revision)  \($0.created)  \(Text.bytes($0.size ?? 0))"
        }
        return Answer(value: checkouts, text: lines.isEmpty ? "no checkouts" : lines.joined(separator: "\n"))
    }

    static func droppedCheckout(_ name: String) -> Answer {
        Answer(value: ["dropped": name], text: "Dropped checkout '\(Text.oneLine(name))'")
    }
}
