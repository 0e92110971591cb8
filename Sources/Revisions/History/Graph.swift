/// Draws the revision DAG as `hg log -G` does: newest first, one column per open branch, `@` for
/// the working database's parent and `o` for the other revisions.
///
///     @  5
///     |
///     | o  4
///     | |
///     | o  3
///     |/
///     o  2
///     |
///     o  1
public enum Graph {
    /// The lines of the graph; `text` gives each revision's lines (at least one).
    public static func render(_ revisions: [Revision], workingParent: Int, text: (Revision) -> [String]) -> [String] {
        var columns: [Int] = []  // the revision each open column waits for
        var lines: [String] = []
        for (index, revision) in revisions.enumerated() {
            if !columns.contains(revision.number) { columns.append(revision.number) }
            let column = columns.firstIndex(of: revision.number)!
            let mark: Character = revision.number == workingParent ? "@" : "o"
            let body = text(revision)
            lines.append(row(columns.count, marking: column, with: mark) + "  " + body[0])

            // The node's column now waits for its parent; columns that waited for the same
            // revision merge into the leftmost.
            var next = columns
            next[column] = revision.parent
            let isLast = index == revisions.count - 1
            for extra in body.dropFirst() {
                lines.append(
                    row(columns.count, marking: nil, with: "|", ending: revision.parent == 0 ? column : nil) + "  " + extra)
            }
            if isLast { break }
            lines.append(contentsOf: edges(from: next))
            columns = next.enumerated().compactMap { position, waiting in
                waiting == 0 || next.firstIndex(of: waiting) != position ? nil : waiting
            }
        }
        return lines
    }

    private static func row(_ count: Int, marking column: Int?, with mark: Character, ending: Int? = nil) -> String {
        var characters: [Character] = []
        for position in 0..<count {
            if position > 0 { characters.append(" ") }
            if position == column {
                characters.append(mark)
            } else if position == ending {
                characters.append(" ")
            } else {
                characters.append("|")
            }
        }
        return String(characters)
    }

    /// The rows between two revisions: straight lines, then lines that lean left one step a row
    /// into the column they merge with, and nothing for a branch that ended at its root.
    private static func edges(from columns: [Int]) -> [String] {
        var positions = Array(columns.indices)
        var targets: [Int?] = []
        var kept: [Int] = []
        for waiting in columns {
            if waiting == 0 {
                targets.append(nil)
                continue
            }
            if let existing = kept.firstIndex(of: waiting) {
                targets.append(existing)
            } else {
                kept.append(waiting)
                targets.append(kept.count - 1)
            }
        }
        var rows: [String] = []
        repeat {
            var characters = [Character](repeating: " ", count: max(1, columns.count * 2 - 1))
            for index in columns.indices {
                guard let target = targets[index] else { continue }
                if positions[index] > target {
                    characters[positions[index] * 2 - 1] = "/"
                    positions[index] -= 1
                } else {
                    characters[positions[index] * 2] = "|"
                }
            }
            rows.append(String(characters).replacing(/\s+$/, with: ""))
        } while zip(positions, targets).contains { position, target in target.map { position > $0 } ?? false }
        return rows
    }
}
