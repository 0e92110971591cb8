import Testing

@testable import Revisions
@testable import odb

@Suite struct ServerAnswersTests {
    static let cluster = EmbeddedCluster(directory: "/srv/app/.odb/cluster")
    static let embedded = Server(source: .embedded, conninfo: "", cluster: cluster)

    @Test func startAndStop() throws {
        try expectAnswer(
            .started(.started(port: 15_432), in: "/srv/app/.odb/cluster"),
            text: "Started the embedded cluster in /srv/app/.odb/cluster, port 15432",
            json: "{\n  \"directory\" : \"/srv/app/.odb/cluster\",\n  \"port\" : 15432,\n  \"started\" : true\n}")
        try expectAnswer(
            .started(.alreadyRunning(port: 15_432), in: "/srv/app/.odb/cluster"),
            text: "The embedded cluster is already running, port 15432",
            json: "{\n  \"directory\" : \"/srv/app/.odb/cluster\",\n  \"port\" : 15432,\n  \"started\" : false\n}")
        try expectAnswer(.stopped(.stopped), text: "Stopped the embedded cluster", json: "{\n  \"stopped\" : true\n}")
        try expectAnswer(
            .stopped(.wasNotRunning), text: "The embedded cluster was not running", json: "{\n  \"stopped\" : false\n}")
    }

    @Test func embeddedClusterRunning() throws {
        try expectAnswer(
            .serverStatus(Self.embedded, status: .running(pid: 4242, port: 15_432), answering: false),
            text: """
                server : embedded cluster in /srv/app/.odb/cluster
                chosen : by default: no --url, ODB_URL, project server or PG* variables
                status : running, pid 4242
                data   : /srv/app/.odb/cluster/data
                socket : /srv/app/.odb/cluster/run, port 15432
                """,
            json: """
                {
                  "directory" : "/srv/app/.odb/cluster",
                  "pid" : 4242,
                  "port" : 15432,
                  "running" : true,
                  "server" : "embedded cluster in /srv/app/.odb/cluster",
                  "socket" : "/srv/app/.odb/cluster/run",
                  "source" : "embedded cluster"
                }
                """)
    }

    @Test func embeddedClusterStoppedOrNotCreated() throws {
        #expect(
            Answer.serverStatus(Self.embedded, status: .stopped(port: 15_432), answering: false).text == """
                server : embedded cluster in /srv/app/.odb/cluster
                chosen : by default: no --url, ODB_URL, project server or PG* variables
                status : stopped
                data   : /srv/app/.odb/cluster/data
                socket : /srv/app/.odb/cluster/run, port 15432
                """)
        try expectAnswer(
            .serverStatus(Self.embedded, status: .notInitialized, answering: false),
            text: """
                server : embedded cluster in /srv/app/.odb/cluster
                chosen : by default: no --url, ODB_URL, project server or PG* variables
                status : not created yet (the first command that needs it creates it)
                data   : /srv/app/.odb/cluster/data
                """,
            json: """
                {
                  "directory" : "/srv/app/.odb/cluster",
                  "running" : false,
                  "server" : "embedded cluster in /srv/app/.odb/cluster",
                  "socket" : "/srv/app/.odb/cluster/run",
                  "source" : "embedded cluster"
                }
                """)
    }

    /// Another server: where it is, with the password masked, and whether it answered.
    @Test func anotherServer() throws {
        let server = Server(source: .commandLine, conninfo: "postgresql://alice:s3cret@db.internal:5433/postgres")
        let answer = Answer.serverStatus(server, status: nil, answering: true)
        try expectAnswer(
            answer,
            text: """
                server : postgresql://alice:****@db.internal:5433 (from --url)
                chosen : by --url
                status : answering
                """,
            json: """
                {
                  "running" : true,
                  "server" : "postgresql://alice:****@db.internal:5433 (from --url)",
                  "source" : "--url"
                }
                """)
        #expect(!answer.text.contains("s3cret"))
        #expect(Answer.serverStatus(server, status: nil, answering: false).text.hasSuffix("status : not answering"))
    }

    /// Whether TCP is on, and where its password is, when the cluster runs.
    @Test func embeddedClusterTCP() throws {
        let on = Answer.serverStatus(Self.embedded, status: .running(pid: 4242, port: 15_432), answering: false, tcp: true)
        #expect(
            on.text.hasSuffix(
                "tcp    : on, localhost:15432, password required (in /srv/app/.odb/cluster/pgpass; odb url names it)"))
        let off = Answer.serverStatus(Self.embedded, status: .running(pid: 4242, port: 15_432), answering: false, tcp: false)
        #expect(off.text.hasSuffix("tcp    : off (odb server start --tcp turns it on)"))
    }
}
