import Testing

@testable import Revisions

@Suite struct GraphTests {
    func revision(_ number: Int, parent: Int) -> Revision {
        Revision(number: number, parent: parent, database: nil, message: "", author: "", created: "", size: nil, tags: [])
    }

    func draw(_ pairs: [(Int, Int)], parent: Int) -> String {
        Graph.render(pairs.map { revision($0.0, parent: $0.1) }, workingParent: parent) { ["\($0.number)"] }
            .joined(separator: "\n")
    }

    @Test func straightLine() {
        #expect(
            draw([(3, 2), (2, 1), (1, 0)], parent: 3) == """
                @  3
                |
                o  2
                |
                o  1
                """)
    }

    /// commit 1..4, revert 2, commit: revision 5 has parent 2.
    @Test func branchAfterRevert() {
        #expect(
            draw([(5, 2), (4, 3), (3, 2), (2, 1), (1, 0)], parent: 5) == """
                @  5
                |
                | o  4
                | |
                | o  3
                |/
                o  2
                |
                o  1
                """)
    }

    @Test func threeBranchesFromOneRevision() {
        #expect(
            draw([(4, 1), (3, 1), (2, 1), (1, 0)], parent: 1) == """
                o  4
                |
                | o  3
                |/
                | o  2
                |/
                @  1
                """)
    }

    @Test func limitedLogLeavesOpenLines() {
        #expect(
            draw([(5, 2), (4, 3)], parent: 4) == """
                o  5
                |
                | @  4
                """)
    }
}
