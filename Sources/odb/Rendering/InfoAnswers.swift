import Foundation
import Revisions

extension Answer {
    /// `odb info`: where the working database stands.
    static func info(_ info: Info) -> Answer {
        var lines = [
            "database : \(Text.oneLine(info.database))"
                + (info.exists
                    ? "" : " (missing: renamed or dropped by hand? 'odb revert' recreates it, 'odb untrack' forgets it)"),
            "server   : \(info.server)",
            "revision : \(info.revision) (parent: \(info.parent), tip: \(info.tip))",
        ]
        if !info.parentTags.isEmpty { lines.append("tags     : \(info.parentTags.joined(separator: ", "))") }
        // Clones share their blocks until written: their sizes add up to more than the disk used.
        let shared = info.copies?.clone == true && info.revisions + info.spares.count > 0
        lines.append(
            "size     : \(Text.bytes(info.size)), \(Text.count(info.revisions, "revision database")) "
                + Text.bytes(info.revisionsSize) + (shared ? " (clones: they share blocks, so the disk holds less)" : ""))
        if !info.spares.isEmpty {
            lines.append(
                "spares   : revision\(info.spares.count == 1 ? "" : "s") \(info.spares.map { String($0.number) }.joined(separator: ", ")) "
                    + "(\(Text.bytes(info.sparesSize)))")
        }
        if info.discardedSize > 0 {
            lines.append("to drop  : \(Text.bytes(info.discardedSize)) replaced by reverts")
        }
        for kept in info.keptForReplication { lines.append("kept     : " + Text.replicationKeeps(kept)) }
        if let copies = info.copies {
            lines.append(
                "copies   : \(copies.clone == true ? "clone" : copies.clone == false ? "copy" : "clone, untried") (\(copies.reason))"
            )
        }
        if let failure = info.spareFailure { lines.append("warning  : " + Text.spareFailure(failure)) }
        if let leftovers = info.leftoverFolders {
            let (copies, them) = leftovers.count == 1 ? ("a copy", "it") : ("copies", "them")
            lines.append(
                "leftover : \(Text.count(leftovers.count, "folder")) no database owns (\(Text.bytes(leftovers.size)), "
                    + "left by \(copies) the server stopped): 'odb recover' removes \(them)")
        }
        return Answer(value: info, text: lines.joined(separator: "\n"))
    }

    /// `odb log`: the revisions, newest first, as a list or, with `graph`, as the DAG `hg log -G`
    /// draws; `workingParent` is marked `@`.
    static func log(_ revisions: [Revision], workingParent: Int, graph: Bool, holding role: String? = nil) -> Answer {
        let text: String
        if revisions.isEmpty, let role {
            text = "no revision database holds anything of role '\(Text.oneLine(role))'"
        } else if revisions.isEmpty {
            text = "no revisions yet: 'odb commit' makes the first"
        } else if graph {
            text = Graph.render(revisions, workingParent: workingParent) {
                [Text.revision($0, workingParent: workingParent, graph: true)]
            }.joined(separator: "\n")
        } else {
            text = revisions.map { Text.revision($0, workingParent: workingParent, graph: false) }.joined(separator: "\n")
        }
        return Answer(value: revisions.map { LogEntry($0, workingParent: workingParent) }, text: text)
    }
}

/// One revision in `odb log --json`: the revision's fields, with `purged` and `workingParent`
/// said explicitly rather than left to a missing `database`.
struct LogEntry: Encodable {
    let revision: Revision
    let workingParent: Bool

    init(_ revision: Revision, workingParent: Int) {
        self.revision = revision
        self.workingParent = revision.number == workingParent
    }

    enum CodingKeys: String, CodingKey {
        case purged
        case workingParent
        case hidden
        case loading
    }

    func encode(to encoder: any Encoder) throws {
        try revision.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(!revision.loading && (revision.database == nil || revision.size == nil), forKey: .purged)
        if revision.loading { try container.encode(true, forKey: .loading) }
        try container.encode(workingParent, forKey: .workingParent)
        // Only `log --all` lists hidden states; the other entries keep their shape.
        if revision.hidden { try container.encode(true, forKey: .hidden) }
    }
}

extension Text {
    /// One revision in `odb log`: number (and `@` for the working database's parent, unless the
    /// graph marks it), date and time in UTC to the minute, parent, author, size, `(loading from
    /// its dump)` or `(purged)`,
    /// tags, `(spare)`, and the message's first line. A hidden state is `@N`.
    static func revision(_ revision: Revision, workingParent: Int, graph: Bool) -> String {
        var text = revision.hidden ? "@\(-revision.number)" : "\(revision.number)"
        if !graph { text += revision.number == workingParent ? " @" : "  " }
        text += "  \(revision.created.replacingOccurrences(of: "T", with: " ").dropLast(4))"
        text += "  parent \(revision.parent)"
        text += "  \(revision.author)"
        if let size = revision.size, revision.database != nil {
            text += "  \(Text.bytes(size))"
        } else if revision.loading {
            text += "  (loading from its dump)"
        } else {
            text += "  (purged)"
        }
        if !revision.tags.isEmpty { text += "  [\(revision.tags.joined(separator: ", "))]" }
        if revision.spare { text += "  (spare)" }
        if !revision.message.isEmpty {
            text += "  \(Text.oneLine(String(revision.message.split(whereSeparator: \.isNewline).first ?? "")))"
        }
        return text
    }
}
