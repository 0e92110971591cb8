import Testing

@testable import Revisions
@testable import odb

@Suite struct MigrationAnswersTests {
    @Test func migrated() throws {
        let outcome = MigrationOutcome(
            database: "demo", dryRun: false, guardRevision: 4,
            applied: [AppliedPatch(file: "patch-1-0-0-std.sql", type: .std, seconds: 0.012)], listed: [],
            remaining: ["patch-1-0-1-concurrent.sql"], accepted: [])
        try expectAnswer(
            .migrated(outcome),
            text: """
                Committed revision 4 before the migration ('odb revert 4' goes back)
                applied patch-1-0-0-std.sql  0.01 s
                Applied 1 patch to 'demo'
                1 patch left: patch-1-0-1-concurrent.sql
                """,
            json: """
                {
                  "accepted" : [

                  ],
                  "applied" : [
                    {
                      "file" : "patch-1-0-0-std.sql",
                      "seconds" : 0.012,
                      "type" : "std"
                    }
                  ],
                  "database" : "demo",
                  "dryRun" : false,
                  "guardRevision" : 4,
                  "listed" : [

                  ],
                  "remaining" : [
                    "patch-1-0-1-concurrent.sql"
                  ]
                }
                """)
    }

    @Test func dryRunAndNothingToDo() {
        let dry = MigrationOutcome(
            database: "demo", dryRun: true, guardRevision: nil,
            applied: [AppliedPatch(file: "patch-1-0-0-std.sql", type: .std, seconds: 0.5)],
            listed: [AppliedPatch(file: "patch-1-0-1-concurrent.sql", type: .concurrent, seconds: nil)], remaining: [],
            accepted: [])
        #expect(
            Answer.migrated(dry).text == """
                Dry run on 'demo': nothing was changed
                ran and rolled back patch-1-0-0-std.sql  0.50 s
                would run patch-1-0-1-concurrent.sql (concurrent: not run in a dry run)
                """)
        let none = MigrationOutcome(
            database: "demo", dryRun: false, guardRevision: nil, applied: [], listed: [], remaining: [], accepted: [])
        #expect(Answer.migrated(none).text == "Nothing to migrate: no pending patch")
    }

    @Test func status() {
        func applied(_ file: String, _ state: MigrationStatus.FileState, ended: String? = "2026-12-01T10:00:01.000000Z")
            -> MigrationStatus.Applied
        {
            MigrationStatus.Applied(
                file: file, type: "std", started: "2026-12-01T10:00:00.000000Z", ended: ended, appliedBy: "alice",
                role: "alice", guardRevision: 3, sha256: "ab", state: state)
        }
        let status = MigrationStatus(
            database: "demo", folder: "migrations",
            applied: [
                applied("patch-1-0-0-std.sql", .unchanged), applied("patch-1-0-1-std.sql", .changed),
                applied("patch-1-0-2-std.sql", .missing), applied("patch-1-0-3-concurrent.sql", .unfinished, ended: nil),
            ], pending: ["patch-1-0-4-std.sql"], invalidIndexes: ["public.t_x"])
        #expect(
            Answer.migrationStatus(status).text == """
                'demo', patches in migrations:
                applied  patch-1-0-0-std.sql  2026-12-01T10:00:00.000000Z → 2026-12-01T10:00:01.000000Z  alice
                applied  patch-1-0-1-std.sql  2026-12-01T10:00:00.000000Z → 2026-12-01T10:00:01.000000Z  alice  CHANGED since applied
                applied  patch-1-0-2-std.sql  2026-12-01T10:00:00.000000Z → 2026-12-01T10:00:01.000000Z  alice  file MISSING
                applied  patch-1-0-3-concurrent.sql  2026-12-01T10:00:00.000000Z → (did not finish)  alice  UNFINISHED
                pending  patch-1-0-4-std.sql
                invalid indexes (left by an unfinished concurrent patch): public.t_x
                """)
    }

    @Test func failureMessagesSayWhatBecameOfTheDatabase() {
        func failure(_ undo: PatchUndo) -> String {
            OdbError.patchFailed(
                PatchFailure(
                    file: "patch-1-0-2-std.sql", line: 7, message: "relation \"nope\" does not exist", sqlState: "42P01",
                    undo: undo, invalidIndexes: [])
            ).message
        }
        #expect(
            failure(.reverted(guardRevision: 3, undone: ["patch-1-0-0-std.sql", "patch-1-0-1-std.sql"]))
                == "patch-1-0-2-std.sql, line 7: relation \"nope\" does not exist; reverted to revision 3, committed before the migration, undoing patch-1-0-0-std.sql, patch-1-0-1-std.sql"
        )
        #expect(failure(.protected(guardRevision: 3, applied: [])).contains("'odb protect --off' then 'odb revert 3'"))
        #expect(failure(.unguarded(applied: ["patch-1-0-0-std.sql"])).hasSuffix("stay applied: patch-1-0-0-std.sql"))
        #expect(failure(.dryRun).hasSuffix("a dry run: everything was rolled back"))
        #expect(
            OdbError.migrationUnfinished(file: "patch-1-0-3-concurrent.sql", guardRevision: 3, invalidIndexes: ["public.t_x"])
                .message.contains("left invalid indexes (public.t_x); go back to before the migration with 'odb revert 3'"))
        #expect(
            Text.event(.migrationInterrupted(database: "demo", patch: "patch-1-0-1-std.sql", guardRevision: 3), verbose: false)
                == "an odb was stopped while migrating 'demo', running patch-1-0-1-std.sql; 'odb migrate' resumes after the patches it committed, 'odb revert 3' goes back to before the migration"
        )
    }
}
