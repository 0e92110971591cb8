import Testing

@testable import Revisions
@testable import odb

@Suite struct EventTextTests {
    /// Shown unless `-q`, with or without `-v`.
    @Test func alwaysShown() {
        let sessions = [Session(pid: 10, user: "bob", application: "psql"), Session(pid: 11, user: "carol", application: "")]
        let lines: [(Event, String)] = [
            (
                .waitingForLock(
                    database: "demo", holder: Session(pid: 77, user: "alice", application: "odb"), timeout: .seconds(90)),
                "waiting for another odb (alice, backend pid 77) working on 'demo', for up to 90 s…"
            ),
            (
                .endedSessions(database: "demo", sessions: sessions),
                "ended 2 connections to 'demo': bob: psql (pid 10), carol (pid 11)"
            ),
            (.endedSessions(database: "demo", sessions: [sessions[1]]), "ended 1 connection to 'demo': carol (pid 11)"),
            (
                .recovered(database: "demo", Recovered(operation: "revert", number: 2, outcome: .rolledBack)),
                "an interrupted revert of revision 2 on 'demo' was rolled back by this odb before it began"
            ),
            (
                .waitingForSpare(number: 2, size: nil, running: nil, timeout: .seconds(30)),
                "waiting for the spare of revision 2 being built, for up to 30 s: the rest of a copy is never slower than a new one…"
            ),
            (
                .skippedSpare(
                    number: 3,
                    reason: .notEnoughSpace(copying: "demo*3", needed: 3 << 30, free: 1 << 30, path: "/srv/pg", odbHolds: nil)),
                "no spare for revision 3: not enough disk space to copy 'demo*3': it needs about 3.0 GB and /srv/pg has 1.0 GB free; purge old revisions ('odb purge', 'odb gc'; 'odb du' shows what they take) or free some space"
            ),
            (
                .rolesMissing(database: "demo", roles: ["app", "report"]),
                "the roles app, report no longer exist: their ownership, grants and settings were not restored on demo"
            ),
        ]
        for (event, line) in lines {
            #expect(Text.event(event, verbose: false) == line)
            #expect(Text.event(event, verbose: true) == line)
        }
    }

    /// Shown only with `-v`.
    @Test func details() {
        let copied = CopyReport(
            source: "demo*2", target: "demo", strategy: .walLog, reason: "7 MB to copy is too small to pay for a checkpoint",
            size: 7_444_000, seconds: 0.123)
        let lines: [(Event, String)] = [
            (.droppedRevision(number: 2, database: "demo*2"), "dropped revision 2 (demo*2)"),
            (
                .copied(copied),
                "copied 'demo*2' to 'demo' (7.1 MB) with WAL_LOG in 0.12 s: 7 MB to copy is too small to pay for a checkpoint"
            ),
            (.usedSpare(number: 2, database: "demo~2"), "swapped in the spare of revision 2 (demo~2): a rename, no copy"),
            (.builtSpare(number: 2, database: "demo~2"), "built a spare of revision 2 (demo~2)"),
            (.droppedSpare(number: 2, database: "demo~2"), "dropped the spare of revision 2 (demo~2)"),
            (.droppedDiscarded(database: "demo~old"), "dropped the replaced database demo~old"),
        ]
        for (event, line) in lines {
            #expect(Text.event(event, verbose: false) == nil)
            #expect(Text.event(event, verbose: true) == line)
        }
    }

    /// `-v` names the strategy a copy used, and why.
    @Test func copyNamesItsStrategy() {
        let copied = CopyReport(
            source: "a", target: "b", strategy: .fileCopy, reason: "chosen by the user", size: 100, seconds: 2)
        #expect(
            Text.event(.copied(copied), verbose: true) == "copied 'a' to 'b' (100 B) with FILE_COPY in 2.00 s: chosen by the user"
        )
    }

    @Test func progressIsNotALine() {
        let progress = CopyProgress(source: "demo*2", target: "demo", done: nil, total: 1, elapsed: .seconds(1))
        #expect(Text.event(.copying(progress), verbose: true) == nil)
    }

    @Test func progress() {
        let known = CopyProgress(
            source: "demo*2", target: "demo", done: 536_870_912, total: 1_073_741_824, elapsed: .milliseconds(2345))
        #expect(Text.progress(known) == "copying revision 2: 512.0 MB of 1.0 GB (50%), 2.3 s")
        #expect(Text.copied("demo", into: "demo*3") == "'demo' into revision 3")
        #expect(Text.copied("demo*3", into: "demo*odb-new") == "revision 3")
        let over = CopyProgress(source: "a", target: "b", done: 2048, total: 1024, elapsed: .seconds(1))
        #expect(Text.progress(over) == "copying 'a': 2.0 kB of 1.0 kB (100%), 1.0 s")
        let unknown = CopyProgress(source: "a", target: "b", done: nil, total: 1_073_741_824, elapsed: .milliseconds(600))
        #expect(Text.progress(unknown) == "copying 'a': 1.0 GB, 0.6 s")
    }
}
