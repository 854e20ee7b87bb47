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

    @Test func theStaffDirectoryIsReadTheSameWayWithItsOwnRules() throws {
        let csv = """
            \u{FEFF}name,staffID,role,collegeCode
            刘老师,T001,辅导员,CS
            王主任,J001,就业指导中心,

            张老师,T001,辅导员,EE
            李老师,T002,班主任,CS
            赵老师,T003,counselor,
            ,T004,office,
            孙老师,T005,counselor,EE
            """
        let parsed = try StaffDirectory.parse(csv)
        #expect(parsed.members.map(\.staffID) == ["T001", "J001", "T005"])
        #expect(parsed.members.map(\.role) == [.counselor, .office, .counselor])
        #expect(parsed.members[1].collegeCode == nil)
        let rejected = parsed.rows.filter { $0.outcome == .rejected }
        #expect(rejected.map(\.row) == [5, 6, 7, 8], "the blank row 4 is skipped")
        #expect(rejected[0].error == "工号在文件中重复")
        #expect(rejected[1].error?.hasPrefix("角色不正确") == true)
        #expect(rejected[2].error == "请填写学院代码", "a counselor needs a college")
        #expect(rejected[3].error == "请填写姓名")
        #expect(throws: RosterCSV.Failure.self) { try StaffDirectory.parse("staffID,name\nT1,a\n") }
    }
}
