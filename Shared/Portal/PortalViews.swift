import Foundation
import Mustache
import ServiceKit

/// The portal's Mustache templates, parsed once at start-up (a broken template stops the service there, not on
/// a person's click). Values are HTML-escaped unless a template uses a triple mustache, which only the layout does
/// for the page it wraps.
public struct PortalViews: Sendable {
    let library: MustacheLibrary

    /// A template did not parse.
    public struct Broken: Error, CustomStringConvertible {
        public var description: String
    }

    /// The shared templates (layout, error page, agreement partials) plus a service's own, by name.
    public init(_ templates: [String: String]) throws {
        var library = MustacheLibrary()
        for (name, text) in Self.shared.merging(templates, uniquingKeysWith: { _, own in own }) {
            do { try library.register(text, named: name) } catch {
                throw Broken(description: "template \(name): \(error)")
            }
        }
        self.library = library
    }

    /// Renders `model` with the template `name`.
    public func render(_ model: Any, template name: String) throws -> String {
        guard let html = library.render(model, withTemplate: name) else {
            throw Broken(description: "no template named \(name)")
        }
        return html
    }

    static let shared: [String: String] = [
        "portal/layout": """
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} - 网签 · {{portalTitle}}</title>
        {{#reloadTo}}<meta http-equiv="refresh" content="3;url={{reloadTo}}">{{/reloadTo}}
        <link rel="stylesheet" href="{{base}}/assets/portal.css">
        <script src="{{base}}/assets/portal.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">跳到主要内容</a>
        <header class="top">
          <div class="brand"><span class="logo" aria-hidden="true">网签</span> 毕业生就业网上签约 · {{portalTitle}}</div>
          {{#user}}
          <div class="who"><span>{{user}}</span>
            <form method="post" action="{{base}}/logout" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" class="link">退出登录</button></form>
          </div>
          {{/user}}
        </header>
        {{#hasNav}}
        <nav class="tabs" aria-label="主导航"><ul>
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}{{#badge}} <span class="badge" aria-label="未处理 {{badge}} 份">{{badge}}</span>{{/badge}}</a></li>{{/nav}}
        </ul></nav>
        {{/hasNav}}
        <main id="main" tabindex="-1">
        <h1>{{title}}</h1>
        {{#flash}}<div class="flash" role="status">{{flash}}</div>{{/flash}}
        {{#error}}<div class="problem" role="alert"><strong>操作未完成：</strong>{{error}}</div>{{/error}}
        {{{body}}}
        </main>
        <footer class="foot"><nav aria-label="其他入口">{{#portals}}<a href="{{href}}">{{label}}</a> {{/portals}}</nav>
        <p>网签 Wangqian · 全国普通高等学校毕业生就业协议书网上签约</p></footer>
        </body>
        </html>
        """,
        "portal/error": """
        <div class="problem" role="alert"><p>{{message}}</p><p class="muted">错误代码：{{code}}</p></div>
        <p><a href="{{home}}" data-back>返回上一页</a> · <a href="{{home}}">返回首页</a></p>
        """,
        "portal/print": PrintedAgreement.template,
        // 打印预览 / 打印 for an agreement (read inside it; the page gives `printPath` and `csrf`).
        "portal/print-actions": """
        <div class="actions">
        {{#printing}}<a class="button secondary" href="{{printPath}}/print/preview">打印预览</a>{{/printing}}
        {{^printing}}<button type="button" class="secondary" disabled aria-describedby="print-why">打印预览</button>{{/printing}}
        <form method="post" action="{{printPath}}/print" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" {{^printing}}disabled aria-describedby="print-why"{{/printing}}>打印</button></form>
        </div>
        {{^printing}}<p id="print-why" class="disabled-why">“打印预览”“打印”暂不可用：学院审核通过后才能打印。</p>{{/printing}}
        {{#printing}}<p class="muted">一式三份，每份正反面打印，不可多打。已打印 {{copiesPrinted}} 份 / 可打印 {{copiesAllowed}} 份。</p>{{/printing}}
        """,
        "portal/login-unconfigured": """
        <div class="card"><p>请通过学校统一身份认证登录。本系统尚未接入统一身份认证，请联系学校就业指导中心或信息化部门。</p></div>
        """,
        "portal/login-development": """
        <div class="notice" role="note">开发与演示环境：请选择一个演示身份登录。正式环境通过学校统一身份认证登录。</div>
        <form method="get" action="{{searchAction}}" class="card" role="search"><input type="hidden" name="next" value="{{next}}">
        <label for="q">按学号或工号查找身份</label>
        <div class="actions"><input type="search" id="q" name="q" value="{{search}}" maxlength="50"><button type="submit" class="secondary">查找</button></div>
        </form>
        <form method="post" action="{{action}}" class="card">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="next" value="{{next}}">
        <fieldset><legend>演示身份</legend>
        <ul class="identities">
        {{#rows}}<li><button type="submit" name="identity" value="{{key}}" class="secondary">{{label}}（{{role}}）</button></li>{{/rows}}
        </ul>
        {{^rows}}<p>暂无演示身份：请先导入学生名单。</p>{{/rows}}
        </fieldset>
        </form>
        """,
        // The agreement as every portal shows it.
        "portal/agreement": """
        <section class="card" aria-labelledby="sec-student"><h2 id="sec-student">学生基本信息</h2>
        <dl class="grid">
        <dt>姓名</dt><dd>{{student.name}}</dd><dt>学号</dt><dd>{{student.studentID}}</dd>
        <dt>性别</dt><dd>{{student.gender}}</dd><dt>学院</dt><dd>{{student.collegeName}}</dd>
        <dt>专业</dt><dd>{{student.major}}</dd><dt>学历</dt><dd>{{student.degree}}</dd>
        <dt>毕业年份</dt><dd>{{student.graduationYear}}</dd><dt>手机号</dt><dd>{{form.mobile}}</dd>
        <dt>电子邮箱</dt><dd>{{form.email}}</dd><dt>本人意见</dt><dd>{{form.personalOpinion}}</dd>
        {{#form.jobTitle}}<dt>工作岗位</dt><dd>{{form.jobTitle}}</dd>{{/form.jobTitle}}
        {{#form.workLocation}}<dt>工作地点</dt><dd>{{form.workLocation}}</dd>{{/form.workLocation}}
        {{#form.remarks}}<dt>备注</dt><dd class="pre">{{form.remarks}}</dd>{{/form.remarks}}
        </dl></section>
        {{#employer}}
        <section class="card" aria-labelledby="sec-employer"><h2 id="sec-employer">用人单位情况及意见</h2>
        <dl class="grid">
        <dt>单位名称</dt><dd>{{name}}</dd><dt>统一社会信用代码</dt><dd>{{creditCode}}</dd>
        <dt>单位性质</dt><dd>{{type}}</dd><dt>所属行业</dt><dd>{{industry}}</dd>
        <dt>单位所在地</dt><dd>{{location}}</dd><dt>联系人</dt><dd>{{contactPerson}}</dd>
        <dt>联系电话</dt><dd>{{contactPhone}}</dd><dt>单位地址</dt><dd>{{address}}</dd>
        <dt>邮政编码</dt><dd>{{postalCode}}</dd><dt>档案转寄地址</dt><dd>{{archiveAddressOrDefault}}</dd>
        {{#section}}<dt>用人单位意见</dt><dd>{{employerOpinion}}</dd><dt>主管部门意见</dt><dd>{{supervisorOpinionOrNone}}</dd>{{/section}}
        </dl></section>
        {{/employer}}
        {{#review}}
        <section class="card" aria-labelledby="sec-college"><h2 id="sec-college">学校意见</h2>
        <dl class="grid">
        <dt>学校联系人</dt><dd>{{contactPerson}}</dd><dt>联系电话</dt><dd>{{contactPhone}}</dd>
        <dt>邮政编码</dt><dd>{{postalCode}}</dd><dt>协议书邮寄地址</dt><dd>{{mailingAddress}}</dd>
        </dl></section>
        {{/review}}
        """,
        "portal/status": """
        <section class="card status-card" aria-labelledby="sec-status"><h2 id="sec-status">当前状态</h2>
        <p class="status"><span class="pill pill-{{status}}">{{statusName}}</span>{{#agreementNumber}} 协议书号：<strong>{{agreementNumber}}</strong>{{/agreementNumber}}</p>
        {{#lastReason}}<p class="reason"><strong>{{label}}：</strong>{{reason}}<span class="muted">（{{by}}，{{at}}）</span></p>{{/lastReason}}
        {{#autoConfirmation}}<p class="notice">若不处理，系统将于 {{autoConfirmation}} 自动确认。</p>{{/autoConfirmation}}
        {{#printing}}<p>已打印 {{copiesPrinted}} 份 / 可打印 {{copiesAllowed}} 份</p>{{/printing}}
        </section>
        """,
        "portal/timeline": """
        <section class="card" aria-labelledby="sec-timeline"><h2 id="sec-timeline">办理记录</h2>
        {{#hasTimeline}}<ol class="timeline">{{/hasTimeline}}
        {{#timeline}}<li><span class="when">{{at}}</span> <strong>{{label}}</strong> <span class="muted">{{by}}</span>{{#refused}} <span class="pill pill-refused">未生效：{{refused}}</span>{{/refused}}{{#reason}}<div class="reason">原因：{{reason}}</div>{{/reason}}</li>{{/timeline}}
        {{#hasTimeline}}</ol>{{/hasTimeline}}
        {{^timeline}}<p class="muted">暂无记录</p>{{/timeline}}
        </section>
        """,
    ]
}
