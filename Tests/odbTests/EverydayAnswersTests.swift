import Foundation
import Testing

@testable import Revisions
@testable import odb

@Suite struct EverydayAnswersTests {
    @Test func untracked() throws {
        try expectAnswer(
            .untracked(UntrackOutcome(database: "demo", dropped: ["demo*1"], kept: [])),
            text: "No longer tracking demo; dropped 1 revision database",
            json: """
                {
                  "database" : "demo",
                  "dropped" : [
                    "demo*1"
                  ],
                  "kept" : [

                  ]
                }
                """)
        #expect(
            Answer.untracked(UntrackOutcome(database: "demo", dropped: [], kept: ["demo*1", "demo*2"])).text
                == "No longer tracking demo; 2 revision databases kept on the server: demo*1, demo*2")
    }

    @Test func versionNamesTheTestedPostgreSQL() throws {
        #expect(OdbVersion.text.hasPrefix("odb "))
        #expect(OdbVersion.json.contains("\"postgresqlTested\" : [\n    15,\n    18\n  ]"))
    }

    @Test func unknownCommandsGetTheClosest() {
        #expect(ODB.closestCommand(to: "summary") == "info")
        #expect(ODB.closestCommand(to: "st") == "status")
        #expect(ODB.closestCommand(to: "comit") == "commit")
        #expect(ODB.closestCommand(to: "purgee") == "purge")
        #expect(ODB.closestCommand(to: "xyzzy-frobnicate") == nil)
        #expect(
            Text.unknownCommand("summary", closest: "info")
                == "odb: 'summary' is not an odb command; did you mean 'odb info'? (see 'odb help')")
    }

    @Test func serverStatusSaysWhy() {
        #expect(Text.reason(.clusterDirectory) == "by ODB_CLUSTER_DIR")
        #expect(Text.reason(.project).hasPrefix("by the project (.odb/config.json"))
        let server = Server(source: .project, conninfo: "host=db.internal user=alice password=x")
        #expect(server.display == "postgresql://alice:****@db.internal (from .odb/config.json)")
    }

    @Test func serversAsALibpqUserReadsThem() {
        #expect(
            Server(source: .commandLine, conninfo: "host=/srv/pg/run port=5432 user=postgres").display
                == "postgresql://postgres@/?host=/srv/pg/run&port=5432 (from --url)")
        #expect(Server(source: .commandLine, conninfo: "service=ext").display == "service=ext (from --url)")
        let multi = Server(source: .commandLine, conninfo: "host=a,b port=5544,5544")
        #expect(multi.url(multi.conninfo, database: "demo") == "postgresql://a:5544,b:5544/demo")
    }

    @Test func waitingForTheWorkerSaysSo() {
        let worker = Session(pid: 42, user: "postgres", application: Workspace.workerApplicationName)
        #expect(
            Text.event(.waitingForLock(database: "demo", holder: worker, timeout: .seconds(60)), verbose: false)
                == "waiting for odb's background worker (backend pid 42), which is tidying 'demo' after the last change, for up to 60 s…"
        )
        #expect(
            Text.event(.waitingForSpare(number: 2, size: nil, running: nil, timeout: .seconds(600)), verbose: false)
                == "waiting for the spare of revision 2 being built, for up to 10 min: the rest of a copy is never slower than a new one…"
        )
        #expect(
            Text.event(
                .waitingForSpare(number: 2, size: 3 << 29, running: .milliseconds(3_400), timeout: .seconds(600)), verbose: false)
                == "waiting for the spare of revision 2 being built (1.5 GB, copying for 3 s), for up to 10 min: "
                + "the rest of a copy is never slower than a new one…")
    }

    @Test func newMessagesSayWhatToDo() {
        #expect(OdbError.nothingCommitted.message == "nothing has been committed yet; run 'odb commit' first")
        #expect(OdbError.configCorrupt(path: "/p/.odb/config.json").message.hasPrefix("/p/.odb/config.json is corrupt"))
        #expect(OdbError.workingDatabaseMissing(database: "demo").message.contains("'odb revert' recreates it"))
        let ending = OdbError.notPermitted(
            .endSession(database: "demo", Session(pid: 7, user: "postgres", application: "")), reason: "permission denied")
        #expect(ending.message.contains("pg_signal_backend"))
        #expect(!ending.message.contains("one with CREATEDB that owns the database"))
    }
}
