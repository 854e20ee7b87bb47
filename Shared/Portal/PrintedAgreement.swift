import AgreementDomain
import Crypto
import Foundation
import ServiceKit
import WangqianQRCode

/// The verification code printed on each copy: `<agreement number>-<copy>-<MAC>`, the MAC keyed with
/// `WANGQIAN_VERIFY_SECRET` (16 base32 characters of HMAC-SHA256), so a code cannot be made from the number alone.
public struct PrintVerification: Sendable {
    let key: SymmetricKey

    public init(secret: String) { key = SymmetricKey(data: Data(secret.utf8)) }

    public func code(number: AgreementNumber, copy: Int) -> String {
        "\(number.formatted)-\(copy)-\(mac(number: number, copy: copy))"
    }

    /// The number and copy a code names, when its MAC is right; nil for anything else.
    public func check(_ code: String) -> (number: AgreementNumber, copy: Int)? {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let number = AgreementNumber(parsing: String(parts[0])),
              parts[1].utf8.count <= 3, let copy = Int(parts[1]), copy >= 1,
              Portal.constantTimeEqual(String(parts[2]), mac(number: number, copy: copy)) else { return nil }
        return (number, copy)
    }

    func mac(number: AgreementNumber, copy: Int) -> String {
        let tag = HMAC<SHA256>.authenticationCode(for: Data("wangqian-print-v1|\(number.formatted)|\(copy)".utf8), using: key)
        return Self.base32(Array(tag.prefix(10)))
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// RFC 4648 base32 without padding (10 bytes → 16 characters).
    static func base32(_ bytes: [UInt8]) -> String {
        var out = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return out
    }
}

/// The printed agreement laid out like the national form (全国普通高等学校毕业生就业协议书): each copy exactly two
/// A4 pages (front and back), marked 第 n 份 / 共 N 份, with its verification code and QR code. The preview shows
/// every copy, marked as a preview, without valid codes.
public struct PrintedAgreement: Sendable {
    public struct Copy: Sendable {
        var number: Int
        var total: Int
        var preview: Bool
        /// Beside 第 n 份 on an invalid copy: 预览（无效） or 样本（无效）.
        var mark: String?
        var code: String
        /// nil on the preview (templates treat an empty string as present).
        var url: String?
        var qr: String?
    }

    public struct Model: Sendable {
        var title: String
        var base: String
        var back: String
        var agreement: AgreementDisplay
        var agreementNumberText: String
        var copies: [Copy]
        var preview: Bool
        var printable: Bool
    }

    /// Where a copy's code is checked: the college portal's public verification page.
    public static func verifyBase(_ portal: Portal) -> String { portal.settings.portalURLs["college"] ?? portal.path("") }

    /// The preview (every allowed copy, no valid code) or one recorded copy, as a page of its own (no portal
    /// layout), to print from the browser.
    public static func page(_ agreement: Agreement, copy: Int?, verification: PrintVerification, verifyBase: String,
                            back: String, portal: Portal) throws -> PortalReply {
        guard let number = agreement.agreementNumber, agreement.status.isApproved else {
            throw APIError(.conflict, code: "invalid_state", message: "学院审核通过后才能打印", agreementStatus: agreement.status)
        }
        let total = agreement.copiesAllowed
        let copies: [Copy]
        if let copy {
            guard (1...agreement.copiesPrinted).contains(copy) else {
                throw APIError.notFound("第 \(copy) 份尚未登记打印")
            }
            let code = verification.code(number: number, copy: copy)
            let url = "\(verifyBase)/verify/\(code)"
            copies = [Copy(number: copy, total: total, preview: false, mark: nil, code: code, url: url,
                           qr: try QRCode(encoding: url).svg(label: "核验二维码：\(url)"))]
        } else {
            copies = (1...max(total, 1)).map {
                Copy(number: $0, total: total, preview: true, mark: "预览（无效）", code: "预览（无效）", url: nil, qr: nil)
            }
        }
        let model = Model(
            title: copy.map { "打印第 \($0) 份" } ?? "打印预览", base: portal.path(""), back: portal.path(back),
            agreement: AgreementDisplay(agreement, timeline: nil), agreementNumberText: number.formatted, copies: copies,
            preview: copy == nil, printable: copy != nil)
        return .raw(PortalAssets.html(try portal.views.render(model, template: "portal/print")))
    }

    /// The agreement template (协议书样本) a student reads before signing: one copy laid out with what is known so far,
    /// marked as a sample, without a number or a code.
    public static func sample(_ agreement: Agreement, back: String, portal: Portal) throws -> PortalReply {
        let model = Model(
            title: "协议书样本", base: portal.path(""), back: portal.path(back), agreement: AgreementDisplay(agreement, timeline: nil),
            agreementNumberText: "（学院审核通过后生成）",
            copies: [Copy(number: 1, total: agreement.copiesAllowed, preview: true, mark: "样本（无效）", code: "样本（无效）", url: nil, qr: nil)],
            preview: true, printable: false)
        return .raw(PortalAssets.html(try portal.views.render(model, template: "portal/print")))
    }

    /// 张* for two characters, 张*三 for three, first and last otherwise (欧**锋).
    public static func masked(_ name: String) -> String {
        let chars = Array(name)
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return "\(chars[0])*"
        default: return "\(chars[0])\(String(repeating: "*", count: chars.count - 2))\(chars[chars.count - 1])"
        }
    }

    static let template = """
    <!doctype html>
    <html lang="zh-CN">
    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} - 协议书号 {{agreementNumberText}}</title>
    <link rel="stylesheet" href="{{base}}/assets/portal.css"><script src="{{base}}/assets/portal.js" defer></script></head>
    <body class="print-body">
    <div class="print-toolbar no-print" role="region" aria-label="打印操作">
    <h1>{{title}}</h1>
    {{#preview}}<p>预览和样本不占用打印份数，其上的核验码无效。</p>{{/preview}}
    {{#printable}}<p>已登记打印此份。请在打印设置中选择 A4 纸、双面打印、不缩放。</p><button type="button" data-print>打印</button>{{/printable}}
    <a href="{{back}}" class="button secondary">返回</a>
    </div>
    <main>
    {{#copies}}
    <section class="copy" aria-label="第 {{number}} 份">
    <div class="sheet front">
      <header class="form-head">
        <p class="copy-mark">第 {{number}} 份 / 共 {{total}} 份{{#mark}} · {{mark}}{{/mark}}</p>
        <h2 class="form-title">全国普通高等学校毕业生就业协议书</h2>
        <p class="form-no">协议书号：<strong>{{agreementNumberText}}</strong></p>
      </header>
      {{#agreement}}
      <h3>一、毕业生情况及意见</h3>
      <table class="form"><tbody>
      <tr><th>姓名</th><td>{{student.name}}</td><th>性别</th><td>{{student.gender}}</td><th>学号</th><td>{{student.studentID}}</td></tr>
      <tr><th>学院</th><td colspan="3">{{student.collegeName}}</td><th>学历</th><td>{{student.degree}}</td></tr>
      <tr><th>专业</th><td colspan="3">{{student.major}}</td><th>毕业年份</th><td>{{student.graduationYear}}</td></tr>
      <tr><th>手机号</th><td colspan="2">{{form.mobile}}</td><th>电子邮箱</th><td colspan="2">{{form.email}}</td></tr>
      <tr><th>工作岗位</th><td colspan="5">{{form.jobTitle}}</td></tr>
      <tr><th>工作地点</th><td colspan="5">{{form.workLocation}}</td></tr>
      <tr><th>本人意见</th><td colspan="5" class="long">{{form.personalOpinion}}</td></tr>
      </tbody></table>
      <p class="stamp">毕业生签名：　　　　　　　　年　　月　　日</p>
      {{#employer}}
      <h3>二、用人单位情况</h3>
      <table class="form"><tbody>
      <tr><th>单位名称</th><td colspan="5">{{name}}</td></tr>
      <tr><th>统一社会信用代码</th><td colspan="2">{{creditCode}}</td><th>单位性质</th><td colspan="2">{{type}}</td></tr>
      <tr><th>所属行业</th><td colspan="2">{{industry}}</td><th>单位所在地</th><td colspan="2">{{location}}</td></tr>
      <tr><th>联系人</th><td>{{contactPerson}}</td><th>联系电话</th><td>{{contactPhone}}</td><th>邮政编码</th><td>{{postalCode}}</td></tr>
      <tr><th>单位地址</th><td colspan="5">{{address}}</td></tr>
      <tr><th>档案转寄地址</th><td colspan="5">{{archiveAddressOrDefault}}</td></tr>
      </tbody></table>
      {{/employer}}
      {{/agreement}}
      <p class="sheet-foot">协议书号 {{agreementNumberText}} · 第 {{number}} 份 · 正面</p>
    </div>
    <div class="sheet back">
      {{#agreement}}
      {{#employer}}{{#section}}
      <h3>三、用人单位意见</h3>
      <div class="long box">{{employerOpinion}}</div>
      <p class="stamp">用人单位（盖章）　　　　年　　月　　日</p>
      <h3>主管部门意见</h3>
      <div class="long box">{{supervisorOpinionOrNone}}</div>
      <p class="stamp">主管部门（盖章）　　　　年　　月　　日</p>
      {{/section}}{{/employer}}
      <h3>四、学校意见</h3>
      {{#review}}
      <table class="form"><tbody>
      <tr><th>学校联系人</th><td colspan="5">{{contactPerson}}</td></tr>
      <tr><th>联系电话</th><td colspan="2">{{contactPhone}}</td><th>邮政编码</th><td colspan="2">{{postalCode}}</td></tr>
      <tr><th>协议书邮寄地址</th><td colspan="5">{{mailingAddress}}</td></tr>
      </tbody></table>
      {{/review}}
      <p class="stamp">院（系）意见（盖章）　　　年　　月　　日　　　学校就业主管部门（盖章）　　　年　　月　　日</p>
      <h3>五、备注（其他约定）</h3>
      <div class="long box">{{form.remarks}}</div>
      {{/agreement}}
      <div class="verify">
        <div class="qr">{{{qr}}}</div>
        <div><p><strong>核验码：</strong>{{code}}</p>
        {{#url}}<p class="muted">扫描二维码或访问以下地址核验本协议书：<br>{{url}}</p>{{/url}}
        {{#preview}}<p>预览页和样本不能用于核验。</p>{{/preview}}</div>
      </div>
      <p class="sheet-foot">协议书号 {{agreementNumberText}} · 第 {{number}} 份 · 反面</p>
    </div>
    </section>
    {{/copies}}
    </main>
    </body>
    </html>
    """
}
