extension EmployerPortal {
    static let templates: [String: String] = [
        "employer/login": """
        <form method="post" action="{{base}}/login" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="next" value="{{next}}">
        <div><label for="login">登录名 <span class="hint">（统一社会信用代码或电子邮箱）</span></label>
        <input type="text" id="login" name="login" value="{{login}}" required autocomplete="username" maxlength="100"></div>
        <div><label for="password">密码</label><input type="password" id="password" name="password" required autocomplete="current-password" maxlength="128"></div>
        <div class="actions"><button type="submit">登录</button></div>
        </form>
        <p>还没有账号？<a href="{{base}}/register">用人单位注册</a></p>
        <p class="muted"><a href="{{base}}/office/login">就业指导中心工作人员登录</a>（审核用人单位注册）</p>
        """,
        "employer/fields": """
        <div><label for="name">单位名称</label><input type="text" id="name" name="name" value="{{form.name}}" required maxlength="100"></div>
        <div><label for="creditCode">统一社会信用代码 <span class="hint">（18 位）</span></label><input type="text" id="creditCode" name="creditCode" value="{{form.creditCode}}" required maxlength="18" pattern="[0-9A-Za-z]{18}"></div>
        <div><label for="type">单位性质</label><input type="text" id="type" name="type" value="{{form.type}}" required maxlength="50" placeholder="如：国有企业、民营企业、机关"></div>
        <div><label for="industry">所属行业</label><input type="text" id="industry" name="industry" value="{{form.industry}}" required maxlength="50"></div>
        <div><label for="location">单位所在地</label><input type="text" id="location" name="location" value="{{form.location}}" required maxlength="50"></div>
        <div><label for="contactPerson">联系人</label><input type="text" id="contactPerson" name="contactPerson" value="{{form.contactPerson}}" required maxlength="50"></div>
        <div><label for="contactPhone">联系电话</label><input type="tel" id="contactPhone" name="contactPhone" value="{{form.contactPhone}}" required maxlength="20"></div>
        <div><label for="address">单位地址</label><input type="text" id="address" name="address" value="{{form.address}}" required maxlength="200"></div>
        <div><label for="postalCode">邮政编码</label><input type="text" id="postalCode" name="postalCode" value="{{form.postalCode}}" required maxlength="6" inputmode="numeric"></div>
        <div><label for="archiveAddress">档案转寄地址 <span class="hint">（选填，默认同单位地址）</span></label><input type="text" id="archiveAddress" name="archiveAddress" value="{{form.archiveAddress}}" maxlength="200"></div>
        """,
        "employer/register": """
        <form method="post" action="{{base}}/register" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset class="stack"><legend>单位信息</legend>{{> employer/fields}}</fieldset>
        <fieldset class="stack"><legend>登录账号</legend>
        <p class="muted">登录名为统一社会信用代码；也可以另外填写一个电子邮箱作为登录名。单位编号由系统分配。</p>
        <div><label for="loginEmail">登录邮箱 <span class="hint">（选填）</span></label><input type="email" id="loginEmail" name="loginEmail" value="{{form.loginEmail}}" maxlength="100" autocomplete="email"></div>
        <div><label for="password">密码 <span class="hint">（8–128 个字符）</span></label><input type="password" id="password" name="password" required minlength="8" maxlength="128" autocomplete="new-password"></div>
        <div><label for="passwordConfirmation">确认密码</label><input type="password" id="passwordConfirmation" name="passwordConfirmation" required minlength="8" maxlength="128" autocomplete="new-password"></div>
        </fieldset>
        <div class="actions"><button type="submit">提交注册</button><a class="button secondary" href="{{base}}/login">返回登录</a></div>
        </form>
        """,
        "employer/home": """
        <section class="card"><h2>{{name}}</h2>
        {{^approved}}<p class="notice" role="status">注册信息正在等待学校就业指导中心审核。审核通过后，毕业生才能选择贵单位签约。</p>{{/approved}}
        {{#approved}}<p>注册已通过审核。请在“待签约信息”中办理毕业生提交的协议。</p>{{/approved}}
        <p class="muted">登录名：{{logins}}</p>
        </section>
        <section class="card"><h2>签约须知</h2><ol>{{#notice}}<li>{{.}}</li>{{/notice}}</ol>
        <p><a class="button" href="{{base}}/pending">进入待签约信息</a></p></section>
        """,
        "employer/list": """
        <form method="get" action="{{action}}" class="card" role="search">
        <label for="q">按学生姓名或学号查询</label>
        <div class="actions"><input type="search" id="q" name="q" value="{{q}}" maxlength="50"><button type="submit" class="secondary">查询</button></div>
        </form>
        {{#hasRows}}
        <form method="post" action="{{base}}/batch-sign">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div class="table-wrap"><table>
        <caption class="muted">共 {{count}} 份</caption>
        <thead><tr>{{#pending}}<th scope="col"><input type="checkbox" id="all" data-select-all="agreementID" aria-label="全选"></th>{{/pending}}<th scope="col">学号</th><th scope="col">姓名</th><th scope="col">状态</th><th scope="col">更新时间</th><th scope="col">操作</th></tr></thead>
        <tbody>
        {{#rows}}<tr>{{#pending}}<td><input type="checkbox" name="agreementID" value="{{id}}" id="pick-{{id}}" aria-label="选择 {{studentName}}"></td>{{/pending}}<td>{{studentID}}</td><td>{{studentName}}</td><td>{{statusName}}</td><td>{{updatedAt}}</td><td><a href="{{base}}/agreements/{{id}}">{{#pending}}办理{{/pending}}{{^pending}}查看已签{{/pending}}</a></td></tr>{{/rows}}
        </tbody></table></div>
        {{#pending}}
        <fieldset class="stack card"><legend>批量签约</legend>
        <div><label for="batchOpinion">用人单位意见</label><textarea id="batchOpinion" name="employerOpinion" required maxlength="500">同意接收</textarea></div>
        <div><label for="batchSupervisor">主管部门意见 <span class="hint">（选填）</span></label><textarea id="batchSupervisor" name="supervisorOpinion" maxlength="500"></textarea></div>
        <div class="actions"><button type="submit">批量签约</button><span class="muted">请先勾选要签约的学生</span></div>
        </fieldset>
        {{/pending}}
        </form>
        {{/hasRows}}
        {{^hasRows}}<p class="card">暂无协议。</p>{{/hasRows}}
        """,
        "employer/handle": """
        {{#agreement}}{{> portal/status}}{{/agreement}}
        {{#canSign}}
        <form method="post" action="{{base}}/agreements/{{id}}/sign" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <fieldset class="stack"><legend>用人单位情况及意见</legend>
        <p class="muted">请核对单位信息，如有错误可直接修改。</p>
        {{> employer/fields}}
        <div><label for="employerOpinion">用人单位意见</label><textarea id="employerOpinion" name="employerOpinion" required maxlength="500">{{form.employerOpinion}}</textarea></div>
        <div><label for="supervisorOpinion">主管部门意见 <span class="hint">（选填）</span></label><textarea id="supervisorOpinion" name="supervisorOpinion" maxlength="500">{{form.supervisorOpinion}}</textarea></div>
        </fieldset>
        <div class="actions"><button type="submit">确定签约</button></div>
        </form>
        <form method="post" action="{{base}}/agreements/{{id}}/return" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="returnReason">退回/拒绝签约原因 <span class="hint">（必填，毕业生可见）</span></label><textarea id="returnReason" name="reason" required maxlength="500"></textarea></div>
        <div class="actions"><button type="submit" class="danger">退回/拒绝签约</button></div>
        </form>
        {{/canSign}}
        {{#canTakeBack}}
        <form method="post" action="{{base}}/agreements/{{id}}/take-back" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="takeBackReason">拿回重签原因 <span class="hint">（必填，毕业生可见；毕业生确认之前可以拿回）</span></label><textarea id="takeBackReason" name="reason" required maxlength="500"></textarea></div>
        <div class="actions"><button type="submit" class="secondary">拿回重签</button></div>
        </form>
        {{/canTakeBack}}
        {{#agreement}}{{> portal/agreement}}{{> portal/timeline}}{{/agreement}}
        """,
        "employer/batch": """
        <p role="status">已签约 {{applied}} 份，未签约 {{failed}} 份。</p>
        <div class="table-wrap"><table><thead><tr><th scope="col">学生</th><th scope="col">结果</th><th scope="col">说明</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{student}}</td><td>{{#ok}}✓ {{/ok}}{{^ok}}✗ {{/ok}}{{outcome}}</td><td>{{message}}</td></tr>{{/rows}}
        </tbody></table></div>
        <p><a href="{{base}}/pending">返回待签约信息</a> · <a href="{{base}}/signed">查看已签</a></p>
        """,
        "employer/password": """
        <form method="post" action="{{base}}/password" class="stack card">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <div><label for="currentPassword">当前密码</label><input type="password" id="currentPassword" name="currentPassword" required autocomplete="current-password" maxlength="128"></div>
        <div><label for="password">新密码 <span class="hint">（8–128 个字符）</span></label><input type="password" id="password" name="password" required minlength="8" maxlength="128" autocomplete="new-password"></div>
        <div><label for="passwordConfirmation">确认新密码</label><input type="password" id="passwordConfirmation" name="passwordConfirmation" required minlength="8" maxlength="128" autocomplete="new-password"></div>
        <div class="actions"><button type="submit">修改密码</button></div>
        </form>
        """,
        "employer/office": """
        {{#hasRows}}<div class="table-wrap"><table class="cards"><thead><tr><th scope="col">单位编号</th><th scope="col">单位名称</th><th scope="col">统一社会信用代码</th><th scope="col">所在地</th><th scope="col">联系人</th><th scope="col">注册时间</th><th scope="col">操作</th></tr></thead><tbody>
        {{#rows}}<tr><td data-label="单位编号">{{employerID}}</td><td data-label="单位名称">{{name}}</td><td data-label="统一社会信用代码">{{creditCode}}</td><td data-label="所在地">{{location}}</td><td data-label="联系人">{{contact}}</td><td data-label="注册时间">{{registeredAt}}</td>
        <td data-label="操作"><form method="post" action="{{base}}/office/{{employerID}}/approve" class="inline"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" aria-label="通过 {{name}}">通过</button></form></td></tr>{{/rows}}
        </tbody></table></div>{{/hasRows}}
        {{^hasRows}}<p class="card">暂无待审核的注册。</p>{{/hasRows}}
        """,
    ]
}
