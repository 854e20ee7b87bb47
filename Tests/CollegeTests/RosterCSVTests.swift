import Testing
@testable import CollegeService

@Suite struct RosterCSVTests {
    let header = "studentID,name,gender,collegeCode,collegeName,major,degree,graduationYear,reviewStatus\n"

    @Test func validRowsAreImportedAndBadRowsReportedWithReasons() throws {
        let csv = header + """
            2026001,张三,男,CS,计算机学院,软件工程,本科,2027,审核完成
            2026002,李四,男,CS,计算机学院,软件工程,本科,2027,不存在的状态
            2026001,张三,男,CS,计算机学院,软件工程,本科,2027,审核完成
            ,王五,女,CS,计算机学院,软件工程,本科,2027,审核完成
            2026003,赵六,未知,CS,计算机学院,软件工程,本科,2027,审核完成
            2026004,"钱,七",女,CS,计算机学院,软件工程,硕士,1999,审核完成
            """
        let parsed = try RosterCSV.parse(csv)
        #expect(parsed.students.map(\.studentID) == ["2026001"])
        let rejected = parsed.rows.filter { $0.outcome == .rejected }
        #expect(rejected.map(\.row) == [3, 4, 5, 6, 7])
        #expect(rejected.allSatisfy { !($0.error ?? "").isEmpty })
        #expect(rejected[1].error == "学号在文件中重复")
    }

    @Test func quotedFieldsAndCRLFAreParsed() {
        let records = RosterCSV.records("a,\"b,\"\"c\"\"\"\r\nd,e\r\n")
        #expect(records == [["a", "b,\"c\""], ["d", "e"]])
    }

    @Test func missingColumnsAreNamed() {
        #expect(throws: RosterCSV.Failure.self) { try RosterCSV.parse("studentID,name\n1,a\n") }
    }
}
