import AgreementContract
import AgreementDomain
import Foundation

/// The example values of the OpenAPI documents (each is validated against its schema by Tests/Docs).
public enum APIExamples {
    public static let studentID = "2026000001"
    public static let employerID = "E0001"
    /// The example student's agreement.
    public static let agreementID = AgreementID.forStudent(studentID).description
    public static let commandID = "0b8f6a52-3c1e-4d3a-9f27-5a4e2c9d1b70"

    public static let student = parse(#"""
        {
          "studentID": "2026000001",
          "name": "张三",
          "gender": "男",
          "collegeCode": "CS",
          "collegeName": "计算机学院",
          "major": "软件工程",
          "degree": "本科",
          "graduationYear": 2026,
          "reviewStatus": "审核完成"
        }
        """#)
    public static let employer = parse(#"""
        {
          "employerID": "E0001",
          "name": "深圳市腾讯计算机系统有限公司",
          "creditCode": "91440300708461136T",
          "type": "民营企业",
          "industry": "信息传输、软件和信息技术服务业",
          "location": "广东省深圳市",
          "contactPerson": "李四",
          "contactPhone": "0755-86013388",
          "address": "深圳市南山区海天二路33号腾讯滨海大厦",
          "postalCode": "518054"
        }
        """#)
    public static let form = parse(#"""
        {
          "mobile": "13800138000",
          "email": "zhangsan@stu.example.edu.cn",
          "personalOpinion": "同意",
          "jobTitle": "后台开发工程师",
          "workLocation": "广东省深圳市",
          "remarks": "月薪 25000 元，合同期三年，违约金 5000 元"
        }
        """#)
    public static let review = parse(#"""
        {
          "contactPerson": "刘老师",
          "contactPhone": "13601012345",
          "postalCode": "100871",
          "mailingAddress": "北京市海淀区颐和园路5号 学生就业指导服务中心"
        }
        """#)
    public static let summary = parse(#"""
        {
          "id": "151d681e-0a2b-50ad-8447-9ac4e2cc1164",
          "studentID": "2026000001",
          "studentName": "张三",
          "collegeCode": "CS",
          "employerID": "E0001",
          "employerName": "深圳市腾讯计算机系统有限公司",
          "status": "submitted",
          "statusName": "待单位签约",
          "version": 2,
          "updatedAt": "2026-03-01T08:05:00.000Z"
        }
        """#)
    /// An agreement the employer has signed (单位已签约), with its timeline.
    public static let agreementView = parse(#"""
        {
          "id": "151d681e-0a2b-50ad-8447-9ac4e2cc1164",
          "status": "employerSigned",
          "statusName": "单位已签约",
          "version": 3,
          "studentID": "2026000001",
          "student": {
            "studentID": "2026000001",
            "name": "张三",
            "gender": "男",
            "collegeCode": "CS",
            "collegeName": "计算机学院",
            "major": "软件工程",
            "degree": "本科",
            "graduationYear": 2026,
            "reviewStatus": "审核完成"
          },
          "employerID": "E0001",
          "employer": {
            "employerID": "E0001",
            "name": "深圳市腾讯计算机系统有限公司",
            "creditCode": "91440300708461136T",
            "type": "民营企业",
            "industry": "信息传输、软件和信息技术服务业",
            "location": "广东省深圳市",
            "contactPerson": "李四",
            "contactPhone": "0755-86013388",
            "address": "深圳市南山区海天二路33号腾讯滨海大厦",
            "postalCode": "518054"
          },
          "form": {
            "mobile": "13800138000",
            "email": "zhangsan@stu.example.edu.cn",
            "personalOpinion": "同意",
            "jobTitle": "后台开发工程师",
            "workLocation": "广东省深圳市",
            "remarks": "月薪 25000 元，合同期三年，违约金 5000 元"
          },
          "noticesAcknowledged": true,
          "employerSection": {
            "employer": {
              "employerID": "E0001",
              "name": "深圳市腾讯计算机系统有限公司",
              "creditCode": "91440300708461136T",
              "type": "民营企业",
              "industry": "信息传输、软件和信息技术服务业",
              "location": "广东省深圳市",
              "contactPerson": "李四",
              "contactPhone": "0755-86013388",
              "address": "深圳市南山区海天二路33号腾讯滨海大厦",
              "postalCode": "518054"
            },
            "employerOpinion": "同意接收该生"
          },
          "signingRound": 1,
          "lastSignedAt": "2026-03-02T10:15:00.000Z",
          "copiesPrinted": 0,
          "copiesAllowed": 3,
          "updatedAt": "2026-03-02T10:15:00.000Z",
          "timeline": [
            {
              "eventID": "3d0c1f9e-8a47-4e52-b1a6-2f9d7c31e0a4",
              "type": "draftSaved",
              "actor": {
                "role": "student",
                "id": "2026000001"
              },
              "at": "2026-03-01T08:00:00.000Z",
              "outcome": "applied"
            },
            {
              "eventID": "8e2b6d15-0f3c-4a9e-9d71-c54a2b8f61e3",
              "type": "submitted",
              "actor": {
                "role": "student",
                "id": "2026000001"
              },
              "at": "2026-03-01T08:05:00.000Z",
              "outcome": "applied"
            },
            {
              "eventID": "0b8f6a52-3c1e-4d3a-9f27-5a4e2c9d1b70",
              "type": "employerSigned",
              "actor": {
                "role": "employer",
                "id": "E0001"
              },
              "at": "2026-03-02T10:15:00.000Z",
              "outcome": "applied"
            }
          ]
        }
        """#)

    /// The documents' `components.examples`, by name.
    static let components: [String: JSONValue] = [
        "AgreementView": ["summary": "An agreement the employer has signed (单位已签约)", "value": agreementView],
        "CommandApplied": ["summary": "Applied", "value": ["outcome": "applied", "commandId": .string(commandID), "agreement": agreementView]],
    ]

    static func parse(_ json: String) -> JSONValue {
        do { return try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) }
        catch { preconditionFailure("an example is not JSON: \(error)") }
    }
}

extension JSONValue {
    /// This object without `key`.
    public func removing(_ key: String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members.removeValue(forKey: key)
        return .object(members)
    }
}
