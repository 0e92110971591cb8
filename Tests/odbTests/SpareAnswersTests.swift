import Testing

@testable import Revisions
@testable import odb

@Suite struct SpareAnswersTests {
    @Test func policyWithReadyAndBuildingSpares() throws {
        let policy = SparePolicy(
            database: "demo", keep: 3,
            spares: [
                Spare(number: 2, database: "demo~2", ready: true, size: 7_444_000),
                Spare(number: 4, database: "demo~4", ready: true, size: nil),
                Spare(number: 5, database: "demo~5", ready: false, size: nil),
            ])
        try expectAnswer(
            .spares(policy),
            text: """
                keeping 3 spares for demo
                  revision 2  demo~2  7.1 MB
                  revision 4  demo~4  ready
                  revision 5  demo~5  being built
                """,
            json: """
                {
                  "database" : "demo",
                  "keep" : 3,
                  "spares" : [
                    {
                      "database" : "demo~2",
                      "number" : 2,
                      "ready" : true,
                      "size" : 7444000
                    },
                    {
                      "database" : "demo~4",
                      "number" : 4,
                      "ready" : true
                    },
                    {
                      "database" : "demo~5",
                      "number" : 5,
                      "ready" : false
                    }
                  ]
                }
                """)
        #expect(Answer.spares(SparePolicy(database: "demo", keep: 1, spares: [])).text == "keeping 1 spare for demo")
    }

    @Test func maintenance() throws {
        try expectAnswer(
            .maintenance(MaintenanceReport(built: [2], dropped: ["demo~old1", "demo~old2"]), of: "demo"),
            text: "built 1 spare, dropped 2 databases",
            json: """
                {
                  "built" : [
                    2
                  ],
                  "dropped" : [
                    "demo~old1",
                    "demo~old2"
                  ],
                  "failedLoads" : [

                  ],
                  "loaded" : [

                  ],
                  "ran" : true
                }
                """)
        #expect(Answer.maintenance(MaintenanceReport(), of: "demo").text == "built 0 spares, dropped 0 databases")
        try expectAnswer(
            .maintenance(MaintenanceReport(ran: false), of: "demo"), text: "another odb is already tidying demo",
            json: """
                {
                  "built" : [

                  ],
                  "dropped" : [

                  ],
                  "failedLoads" : [

                  ],
                  "loaded" : [

                  ],
                  "ran" : false
                }
                """)
    }
}
