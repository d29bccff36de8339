"""English phrases for the UI; keys are the Chinese originals (statuses and roles included)."""

ENGLISH: dict[str, str] = {
    "社群内容工作台": "Community Content Studio", "工作台": "Dashboard", "新建简报": "New brief",
    "审核队列": "Review queue", "发送计划": "Deliveries", "沙盒群": "Sandbox group", "退出": "Log out",
    "登录": "Log in", "用户名": "Username", "密码": "Password", "用户名或密码不正确": "Wrong username or password",
    "品牌": "Brand", "待审核": "Waiting for review", "队列为空": "The queue is empty", "最近的帖子": "Recent posts",
    "简报": "Brief", "人群": "Segment", "状态": "Status", "更新时间": "Updated", "还没有帖子": "No posts yet",
    "还没有品牌：用 studio brand import 导入品牌资料包": "No brand yet: import a brand kit with studio brand import",
    "目标": "Goal", "核心信息": "Key message", "产品（逗号分隔）": "Products (comma-separated)", "日期": "Date",
    "人设": "Persona", "渠道": "Channel", "人群（每个人群生成一个版本）": "Segments (one variant each)",
    "生成草稿": "Draft variants", "例如：为冬日品鉴会拉新报名": "e.g. sign-ups for the winter tasting",
    "这条帖子要告诉群友什么？": "What should this post tell the group?", "打开编辑": "Open editor",
    "编辑": "Edit", "修改说明（可选）": "Change note (optional)", "保存为新修订": "Save as new revision",
    "初稿说明": "About this draft", "生成记录：每句话的来源": "Generation record: where each sentence comes from",
    "话术库": "script library", "资料": "document", "产品表": "product table", "人设口头禅": "persona catchphrase",
    "排序模型": "Ranking model",
    "提交审核": "Submit for review", "预览": "Preview", "引用": "Citations", "已引用": "cited", "用于": "used in", "完成": "done", "失败": "failed", "无": "None",
    "审核": "Review", "批准修订": "Approve revision", "退回修改的意见": "What should change",
    "退回修改": "Send back", "排期": "Schedule", "发送时间": "Send at", "排期发送": "Schedule",
    "发送": "Deliveries", "计划时间": "Due", "渠道回应": "Channel answer", "修订历史": "Revisions",
    "修订": "Revision", "模型": "model", "审计日志": "Audit log", "系统": "system",
    "已批准此修订": "This revision is approved", "帖子": "Post", "还没有排期": "Nothing scheduled",
    "沙盒渠道把帖子投递到工作台里的模拟群聊，无需真实机器人。":
        "Sandbox channels deliver posts to a group chat inside the studio, no real bot needed.",
    "没有沙盒渠道": "No sandbox channel", "还没有消息：排期发送后，帖子会出现在这里。":
        "No messages yet: scheduled posts appear here when they are sent.",
    "知识检索": "Knowledge search", "检索": "Search", "例如：泡白牡丹要多热的水": "e.g. how hot should the water be",
    "知识文档": "Knowledge documents", "类型": "Type", "标题": "Title", "有效期": "Valid", "口头禅": "Catchphrases",
    "禁用词": "Taboo words", "融合排名": "Fused rank", "文档": "Document", "融合分": "Fused score",
    "向量": "Vector", "片段": "Chunk", "上传文件（Markdown、CSV、TXT、JSON、PDF、DOCX）":
        "Upload files (Markdown, CSV, TXT, JSON, PDF, DOCX)", "上传并导入": "Upload and import",
    "重建索引": "Re-index", "重新生成": "Regenerate",
    "模型正在写，下面是尚未检查的文字；通过检查后才会成为初稿，没通过时改用组合初稿。":
        "The model is writing; below is text not yet checked. It becomes the draft only if it passes the checks, "
        "otherwise a composed draft is used.",
    "尚未检查": "not yet checked",
    "改写要求（可选），如：更口语一点、短一点": "Rewrite instruction (optional), e.g. more casual, shorter",
    "改写选中段落": "Rewrite selection",
    "网页": "Web",
    "重新生成的要求（可选），如：更口语一点、短一点": "Instruction (optional), e.g. more casual, shorter",
    "设置": "Settings", "发送测试消息": "Send test message", "需要处理的发送": "Deliveries needing attention",
    "标记为已发送": "Mark as sent",
    "重新发送": "Send again", "确认重新发送？群里可能会收到两次。": "Send again? The group may get it twice.",
    "来源": "Source", "删除": "Delete", "索引片段": "Indexed chunks", "合规检查": "Compliance check",
    "此修订有合规阻断项，放行理由": "This revision has blocking findings; reason to let it through",
    # pages
    "设置问题": "Setup problems", "时区": "Time zone", "计划时间（品牌时区）": "Due (brand time)",
    "删除 {doc_id}？": "Delete {doc_id}?", "白牡丹2024, BM-2024": "e.g. BM-2024",
    "已批准此修订（{user}）": "This revision is approved ({user})",
    "初稿说明：{note}": "About this draft: {note}", "{name}（{type}）": "{name} ({type})",
    "人设、人群和渠道来自品牌资料包的 brand.yaml。品牌管理员可以在“品牌设置”里修改（会写回 brand.yaml），也可以编辑 brand.yaml 后重新导入（studio brand import 资料包目录）。":
        "Personas, segments and channels come from brand.yaml in the brand kit. Brand admins change them under "
        "“Brand settings” (written back to brand.yaml), or edit brand.yaml and import the kit again "
        "(studio brand import KIT_FOLDER).",
    # Brand settings
    "品牌设置": "Brand settings",
    "这里的修改写回品牌资料包的 brand.yaml，并像导入资料包一样检查；有问题时什么都不会改变。":
        "Changes here are written back to the kit's brand.yaml and checked as an imported kit is; when "
        "something is wrong, nothing changes.",
    "返回品牌页": "Back to the brand", "名称": "Name", "时区": "Time zone", "告警发到的渠道": "Alert channel",
    "宽限分钟数": "Grace minutes", "品牌介绍": "About the brand", "海报配色": "Poster colours",
    "保存品牌设置": "Save brand settings", "添加人设": "Add a persona", "代号（英文小写）": "Slug (lowercase)",
    "名字": "Name", "说话风格": "Voice", "背景故事": "Backstory", "口头禅（每行一句）": "Catchphrases (one a line)",
    "禁用词（每行一个）": "Taboo words (one a line)", "示例帖子（每行一条）": "Example posts (one a line)",
    "移除这个人设？已有的帖子不受影响。": "Remove this persona? Existing posts stay as they are.",
    "人群与生命周期阶段": "Segments and lifecycle stages", "添加人群": "Add a segment",
    "生命周期阶段": "Lifecycle stage", "描述": "Description",
    "移除这个人群？已有的帖子不受影响。": "Remove this segment? Existing posts stay as they are.",
    "这里是资料包里的渠道；门店群等大量群在群目录中用 CSV 管理。机器人地址里含密钥，只写不读：留空即保持不变。":
        "These are the kit's channels; the many store groups live in the group directory (CSV). A bot address "
        "holds its key, so it is write-only: leave it empty to keep it.",
    "添加渠道": "Add a channel", "机器人地址或目标": "Bot address or target",
    "停用这个渠道？已排期的发送会失败并提醒。": "Deactivate this channel? Scheduled sends to it will fail and alert.",
    "头像（PNG、JPEG 或 WebP，用于海报）": "Avatar (PNG, JPEG or WebP, for posters)",
    "左边是内置话术，右边是本品牌自己的话术：会加在内置话术之后；写 replace: true 则完全替换。占位符可用 ${persona}、${brand}、${address}、${catchphrase}。保存前按生成草稿时的方式检查；清空即恢复为内置话术。":
        "On the left the built-in lines, on the right the brand's own: they come after the built-in ones, or "
        "replace them with replace: true. Placeholders: ${persona}, ${brand}, ${address}, ${catchphrase}. A "
        "save is checked as drafting reads it; empty it to go back to the built-in lines.",
    "已自定义": "customized", "内置话术": "Built-in lines", "本品牌的话术（YAML）": "The brand's own lines (YAML)",
    "已保存 {name} 的话术": "Lines of {name} saved", "{name} 已恢复为内置话术": "{name} is back to the built-in lines",
    "邀请新成员": "Invite someone", "有效天数": "Days valid", "备注（邀请谁）": "Note (who it is for)",
    "生成邀请链接": "Make an invitation link", "邀请链接（只显示这一次，请现在复制）：": "Invitation link (shown this once; copy it now):",
    "等待接受的邀请": "Invitations waiting", "到期": "Expires", "撤回": "Withdraw", "已撤回邀请": "Invitation withdrawn",
    "邀请你以{role}身份加入 {brand}": "You are invited to join {brand} as {role}",
    "用当前账号 {username} 加入": "Join as {username}", "新建账号并加入": "Make an account and join",
    "已有账号？请先登录，再打开这个链接。": "Have an account? Sign in first, then open this link again.",
    "确认密码": "Confirm password", "两次输入的密码不一致": "The two passwords differ",
    "欢迎加入 {brand}": "Welcome to {brand}", "邀请": "Invitation",
    "保存": "Save", "已保存品牌设置": "Brand settings saved",
    "品牌与角色": "Brands and roles", "新密码": "New password", "站点管理员": "Site admin",
    "还不是任何品牌的成员": "Not a member of any brand yet", "设置新密码": "Set password", "新建用户": "New user",
    "站点管理员（管理所有品牌）": "Site admin (manages every brand)", "创建": "Create",
    "已创建用户 {username}": "User {username} created",
    "已为 {username} 设置新密码，其所有会话已退出": "New password set for {username}; all their sessions are signed out", "已保存": "Saved", "已移除 {item}": "{item} removed",
    "只有管理员可以向这个渠道发送测试消息。需要试发时，请联系管理员。":
        "Only admins can send a test message to this channel. Ask an admin when you need a test send.",
    "演示账号": "Demo logins",
    "密码见 README 的“两个命令”一节，或 make run 启动后终端里的输出。":
        "Their passwords are in the README (Two commands) and in the terminal after make run.",
    "对外开放前请改掉这些密码：studio user create 用户名 --role 角色 --password-stdin":
        "Change these passwords before others can reach the studio: "
        "studio user create NAME --role ROLE --password-stdin",
    "这个品牌的知识库是中文的，这个查询里的英文词它大多没有：下面的结果多半没有意义。请用中文检索，例如：{examples}":
        "This brand's knowledge is in Chinese and most of this query's English words are not in it: the hits "
        "below are unlikely to mean anything. Search in Chinese, e.g. {examples}",
    "这个品牌的知识库是中文的，这个查询里的英文词它大多没有：下面的结果多半没有意义。请用中文检索。":
        "This brand's knowledge is in Chinese and most of this query's English words are not in it: the hits "
        "below are unlikely to mean anything. Search in Chinese.",
    "钉钉": "DingTalk", "飞书": "Feishu", "通用 Webhook": "Generic webhook", "企业微信": "WeCom", "字": "chars",
    "字节": "bytes",
    # flashes
    "已导入：{documents} 篇文档，{chunks} 个片段": "Imported {documents} documents, {chunks} chunks",
    "已删除 {doc_id}": "Deleted {doc_id}", "已重建索引：{chunks} 个片段": "Re-indexed: {chunks} chunks",
    "文件较大，已交给后台建立索引，本页会显示进度。":
        "The upload is large: it is being indexed in the background, and this page shows its progress.",
    "文件已保存，但消息队列暂时不可用：队列恢复后会自动建立索引，本页会显示进度。":
        "The files are saved, but the task queue is unavailable: they will be indexed when it is back, and "
        "this page shows the progress.",
    "排队等待索引": "Waiting to be indexed", "正在读取文件": "Reading the files", "正在建立索引": "Indexing",
    "索引完成": "Indexed", "索引失败": "Indexing failed", "消息队列恢复后开始": "starts when the task queue is back",
    "已保存新修订": "Saved as a new revision", "已提交审核": "Submitted for review", "已批准": "Approved",
    "已退回修改": "Sent back for changes", "已排期": "Scheduled", "已标记为已发送": "Marked as sent",
    "已重新排入发送": "Queued to send again",
    "已开始重新生成：完成后新的修订会自动出现": "Regenerating: the new revision appears here when it is done",
    "重新生成中：新的修订完成后会自动出现在这里；现在保存编辑会取消这次重新生成。":
        "Regenerating: the new revision appears here when it is done; saving an edit now cancels it.",
    "生成失败": "Drafting failed", "全选": "Select all", "原因": "Reason", "重新生成所选": "Regenerate selected",
    "归档所选": "Archive selected", "已处理 {count} 条帖子": "{count} posts done", "已恢复": "Restored",
    "技术细节": "Technical details", "群目录": "Group directory", "以及受众里的群": "and the groups in the audience",
    "排期整份简报": "Schedule the whole brief",
    "每个人群已批准的变体发到该人群的群，同一时间发出；没有收到的群会逐个说明原因。":
        "Each segment's approved variant goes to that segment's groups, all at one time; each group that gets "
        "nothing is named with the reason.",
    "只发给受众里的群（可选）": "Only groups in this audience (optional)", "已排期：{count} 个群": "Scheduled: {count} groups", "受众": "Audience", "筛选": "Filter",
    "同一个键的多个值是“或”，不同的键是“且”。键：segment、region、store、tag、type。":
        "Values of one key are OR-ed, different keys AND-ed. Keys: segment, region, store, tag, type.",
    "{groups} 个群，共 {members} 人": "{groups} groups, {members} members", "群": "Group",
    "地区": "Region", "门店": "Store", "人数": "Members", "标签": "Tags", "负责人": "Owner",
    "没有符合条件的群": "No group matches", "批量修改所选的群": "Edit the selected groups", "加标签": "Add tags",
    "去标签": "Remove tags", "加人群": "Add segments", "去人群": "Remove segments", "应用到所选": "Apply to selected",
    "从 CSV 导入": "Import from CSV", "导入": "Import",
    "列：slug,type,target,name,secret,segments,region,store,members，可选 tags,owner；多个值用分号分隔。按 slug 新建或更新；有任何一行不对时整个文件都不导入，并列出每个出错的行号。":
        "Columns: slug,type,target,name,secret,segments,region,store,members, optional tags,owner; several values "
        "are separated by semicolons. Groups are created or updated by slug; a file with any bad row imports "
        "nothing and lists every bad line.",
    "已导入群目录：{groups} 个群，新建 {created}，更新 {updated}":
        "Group directory imported: {groups} groups, {created} created, {updated} updated",
    "已修改 {count} 个群": "{count} groups changed",
    "恢复": "Restore", "归档": "Archive", "已归档：不在工作台和队列中显示": "Archived: not listed on the dashboard or in queues",
    # the post page's poster panel
    "海报": "Poster", "本修订的海报": "This revision's poster", "模板": "Template", "二维码": "QR",
    "批准覆盖正文和海报；更换或移除海报会生成新修订，已批准的帖子将退回审核。":
        "An approval covers the text and the poster; changing or removing the poster makes a new revision, "
        "and an approved post goes back to review.",
    "移除海报": "Remove poster", "本修订没有海报：只发送正文。": "This revision has no poster: only the text is sent.",
    "制作海报": "Make a poster", "正在生成预览…": "Rendering the preview…", "预览失败": "Preview failed",
    "正文（可选）": "Body (optional)", "价格标签（可选）": "Price badge (optional)",
    "二维码链接（留空用品牌默认）": "QR link (empty: the brand's default)",
    "保存海报为新修订": "Save poster as a new revision", "海报预览": "Poster preview",
    "预览中的二维码尚未生效；保存时会生成可追踪的短链接。":
        "The preview's QR leads nowhere yet; saving makes a tracked short link.",
    "（正文和海报）": " (text and poster)", "含海报": "with poster",
    "海报已保存为修订 {number}": "Poster saved as revision {number}",
    "已移除海报（修订 {number}）": "Poster removed (revision {number})",
    "产品图": "Product picture", "品牌通用产品图": "The brand's general product picture",
    # what worked for a segment, beside the brief
    "这个人群的经验": "What worked for this segment", "点击率最好的帖子": "Best click rates",
    "下限": "lower bound", "发送时段": "Sent at", "长度约 {n} 字": "about {n} characters long",
    "海报模板": "poster template", "新变体会先试这些话术": "New variants try these script lines first",
    # rituals that run
    "社群仪式": "Rituals", "名称": "Name", "规则": "Rule", "提前 / 冻结": "Lead / freeze", "接下来": "Next",
    "仪式按规则重复：每次在提前时间开始时自动生成简报和各人群的变体，进入审核；批准后按受众在当次时间发送。冻结时间仍未批准的不会发送，并在提醒群里告警。":
        "A ritual recurs on its rule: when each occurrence's lead time begins, its brief and a variant per segment "
        "are written and go to review; once approved they are sent to the audience at the occurrence. What is not "
        "approved by the freeze time is not sent, and the alert group is told.",
    "{lead} 小时 / {freeze} 小时": "{lead} h / {freeze} h", "还没有仪式": "No rituals yet",
    "在内容日历中查看": "See them in the content calendar", "新建仪式": "New ritual",
    "例如：周五品鉴会": "e.g. Friday tasting", "标识": "Slug", "重复规则": "Recurrence rule",
    "首次时间": "First time", "例如：{relative_weekday}{clock}品鉴会，白牡丹冲泡要点":
        "e.g. {relative_weekday} {clock} tasting: how to brew Bai Mudan",
    "可用占位符：{words}": "Placeholders: {words}", "提前小时": "Lead time (hours)", "冻结小时": "Freeze (hours)",
    "排除日期": "Dates left out", "法定节假日": "Statutory holidays", "创建": "Create",
    "已创建仪式“{name}”": "Ritual “{name}” created", "照常": "Include them", "跳过节假日": "Skip holidays",
    "只在工作日": "Workdays only",
    "跳过这次": "Skip this one", "改到": "Move to", "改期": "Move", "已跳过 {at} 这一次": "Skipped the one at {at}",
    "已把 {at} 这一次改到 {to}": "Moved the one at {at} to {to}", "请填写新时间": "Give the new time",
    # the content calendar and its feed
    "内容日历": "Content calendar", "全部": "All", "渠道类型": "Channel type", "今天": "Today", "月": "Month",
    "周": "Week", "已计划": "Planned", "写稿中": "Being drafted", "已批准待发送": "Approved, waiting to send",
    "已发送": "Sent", "未发出": "Not sent", "已取消": "Cancelled", "已停用": "deactivated",
    "时间均为品牌时区 {zone}。拖动待发送的帖子即可改期，服务器会重新检查批准状态和渠道。":
        "Times are in the brand's time zone, {zone}. Drag a post that is waiting to be sent to move it; the "
        "server checks its approval and its channels again.",
    "订阅日历": "Subscribe in a calendar app", "订阅地址": "Subscription URL", "还没有订阅地址": "No subscription URL yet",
    "在手机或电脑的日历应用中订阅这个地址，即可看到本品牌的排期。地址本身就是密钥，请只分享给同事；重新生成后旧地址立即失效。":
        "Subscribe to this URL in a calendar app on a phone or computer to see the brand's schedule. The URL "
        "is the key: share it only with colleagues. Making a new one stops the old one at once.",
    "生成订阅地址": "Make a subscription URL", "重新生成订阅地址": "Make a new subscription URL",
    "已生成新的订阅地址，旧地址已失效": "New subscription URL made; the old one no longer works",
    "已改期到 {time}": "Moved to {time}", "未能改期：": "Not moved: ", "改期请求失败，请重试": "The move failed; try again",
    "日历加载失败": "The calendar did not load",
    # the reports page: what worked, and groups going quiet
    "效果报告": "Reports", "分组方式": "Breakdown", "几点发送": "Hour sent", "海报版式": "Poster template",
    "代码": "Key",
    "发送次数": "Deliveries", "群数": "Groups", "触达人数": "Members reached", "点击次数": "Clicks",
    "点击人数": "Clickers", "预览与机器人": "Previews and robots", "点击率": "Click rate",
    "点击率下限（95%）": "Lower bound (95%)", "参与排名": "Ranked", "是": "yes", "否": "no",
    "无海报": "No poster", "未排名": "Not ranked", "触达不足 {min} 人": "Fewer than {min} members reached",
    "点击率与下限": "Click rate and its lower bound", "还没有已发送的帖子或点击": "No sent posts or clicks yet",
    "导出 CSV": "Export CSV",
    "点击率 = 点击人数 ÷ 触达人数（收到帖子的群的人数之和），预览和机器人不计。按 95% 置信下限排序：触达不足 {min} 人的行不参与排名，标记为“未排名”。":
        "Click rate = clickers ÷ members reached (the members of the groups that got the posts); previews "
        "and robots do not count. Rows are ranked by the lower bound of the 95% confidence interval; rows "
        "that reached fewer than {min} members are not ranked and are marked “Not ranked”.",
    "群健康度": "Group health",
    "“变冷”：连续发送 14 天以上没有人点击，或近 30 天的点击率不到之前 30 天的一半。":
        "“Going quiet”: posts kept arriving for 14 days or more without a click, or the click rate of the last "
        "30 days is less than half of the 30 days before.",
    "近 30 天发送": "Sent, last 30 days", "人均点击": "Clicks per member", "人均点击人数": "Clickers per member",
    "距上次点击（天）": "Days since last click", "从未": "never", "变冷": "Going quiet", "正常": "OK",
    "连续 14 天以上发送，没有人点击": "14 days or more of posts without a click",
    "点击率不到之前的一半": "click rate below half of what it was", "写一条召回简报": "Write a win-back brief",
    "还没有群": "No groups yet",
    "登录尝试次数过多，请 {minutes} 分钟后再试": "Too many login attempts: try again in {minutes} minutes",
    # orders and conversions
    "订单": "Orders", "销售额（元）": "Sales (yuan)", "订单与转化": "Orders and conversions",
    "已导入核销记录：{rows} 行，新订单 {created}，重复 {duplicates}，未知券码 {skipped}":
        "Redemptions imported: {rows} rows, {created} new orders, {duplicates} already stored, {skipped} unknown codes",
    "共 {orders} 单，销售额 {revenue} 元；经链接带来 {attributed} 单，{attributed_revenue} 元；未归因 {unattributed} 单。":
        "{orders} orders, {revenue} yuan; {attributed} orders, {attributed_revenue} yuan, came through links; "
        "{unattributed} orders not attributed.",
    "订单回传（Webhook）": "Order webhook",
    "商城每成交一单，向下面的地址 POST 一个 JSON 订单：order_id、amount（元），以及 token、landing_url 或 coupon 之一用于归因。请求头 X-Studio-Signature 为 sha256= 加上用密钥对原始请求体计算的 HMAC-SHA256（十六进制）。同一 order_id 只记一次。设置密钥后，短链接跳转时会在目标地址上附加 click_ref 参数，商城可在下单时原样回传。":
        "For each order, the shop POSTs a JSON order to the address below: order_id, amount (yuan), and one of "
        "token, landing_url or coupon to attribute it. The X-Studio-Signature header is sha256= followed by the "
        "hex HMAC-SHA256 of the raw body under the secret. Each order_id counts once. Once a secret is set, short "
        "links add a click_ref parameter to their destination, which the shop can send back with the order.",
    "新密钥（只显示这一次，请现在复制）：": "New secret (shown this once; copy it now):",
    "已设置密钥：": "Secret set:", "还没有密钥：订单回传尚未开启。": "No secret yet: the order webhook is off.",
    "生成新密钥后，旧密钥立即失效。继续吗？": "The old secret stops working as soon as a new one is made. Go on?",
    "更换密钥": "Replace the secret", "生成密钥，开启订单回传": "Make a secret and turn the order webhook on",
    "导入优惠券核销记录": "Import coupon redemptions",
    "CSV 列：code,order_id,amount,redeemed_at（可选 token）。券码须先随链接发放（studio links create --coupon）；不认识的券码会跳过并列出。有任何一行出错，整份文件都不会导入。":
        "CSV columns: code,order_id,amount,redeemed_at (token optional). A code must first be handed out with a "
        "link (studio links create --coupon); unknown codes are skipped and listed. If any row is wrong, nothing "
        "in the file is imported.",
    # rituals: one occurrence's own brief, editing and deactivating a ritual
    "（原定 {at}）": "(in the series: {at})", "自己的简报": "Own brief", "这一次的简报": "This one's brief",
    "清空后保存，即改回仪式的简报。": "Save it empty to use the ritual's brief again.",
    "保存这一次的简报": "Save this one's brief", "简报已生成，只能跳过": "Brief written: it can only be skipped",
    "{at} 这一次有了自己的简报": "The one at {at} has its own brief",
    "{at} 这一次改回仪式的简报": "The one at {at} uses the ritual's brief again",
    "编辑仪式": "Edit rituals", "保存修改": "Save changes", "停用仪式": "Deactivate",
    "重新启用仪式": "Activate again",
    "修改只影响还没生成简报的各次：已生成的照常审核和发送。停用后不再生成新的简报。":
        "Changes apply to the occurrences whose brief is not written yet: those already written are reviewed "
        "and sent as before. A deactivated ritual writes no new briefs.",
    "已保存仪式“{name}”": "Ritual “{name}” saved",
    "已停用仪式“{name}”：不再生成新的简报": "Ritual “{name}” deactivated: no new briefs are written",
    "已重新启用仪式“{name}”": "Ritual “{name}” is active again",
    # Brand members and the audit log
    "成员": "Members", "内容编辑": "Editor", "审核员": "Reviewer", "品牌管理员": "Brand admin",
    "成员只能看到和处理本品牌的内容。编辑写稿，审核批准，品牌管理员还能管理成员；站点管理员管理所有品牌。":
        "Members see and work on this brand only. Editors write, reviewers approve, brand admins also manage "
        "members; site admins manage every brand.",
    "用户": "User", "角色": "Role", "加入时间": "Joined", "修改": "Change", "移除这位成员？": "Remove this member?",
    "移除": "Remove", "还没有成员": "No members yet", "添加成员": "Add a member", "添加": "Add",
    "用户需已有账号（studio user create）。": "The user needs an account first (studio user create).",
    "操作记录": "Activity log", "谁": "Who", "做了什么": "What", "从": "From", "到": "To",
    "时间（UTC）": "Time (UTC)", "详情": "Detail", "没有符合条件的记录": "Nothing matches",
    "找不到": "Not found", "没有权限": "Not allowed", "回到工作台": "Back to the dashboard",
    "{username} 现在是{role}": "{username} is now {role}", "已移除 {username}": "{username} removed",
    # API tokens page
    "API 令牌": "API tokens", "我的令牌": "My tokens", "创建令牌": "Make a token", "前缀": "Prefix",
    "权限范围": "Scopes", "创建时间": "Created", "到期时间": "Expires",
    "最近使用": "Last used", "不过期": "Never", "从未使用": "Never",
    "我所在的全部品牌": "Every brand I am a member of", "名称（可选）": "Name (optional)",
    "有效天数（留空则不过期）": "Days valid (empty: never expires)", "吊销": "Revoke", "还没有令牌": "No tokens yet",
    "有效": "Active", "已过期": "Expired", "已吊销": "Revoked", "已吊销令牌 {prefix}": "Token {prefix} revoked",
    "新令牌（只显示这一次，请现在复制）：": "New token (shown this once; copy it now):",
    "工作台只保存令牌的摘要，之后无法再查看。": "The studio keeps only the token's digest: it cannot be shown again.",
    "吊销后，使用这个令牌的程序立即无法访问。继续吗？":
        "Programs using this token lose access as soon as it is revoked. Go on?",
    "令牌用于 /api/v1（请求头 Authorization: Bearer …）。令牌能做的事，是你在品牌中的角色、令牌的权限范围和令牌的品牌三者的交集。每个令牌每分钟的请求数有上限，超过时返回 429。":
        "Tokens are for /api/v1 (header Authorization: Bearer …). What a token may do is what your role in a "
        "brand, the token's scopes and the token's brand all allow. Each token may make a limited number of "
        "requests a minute; past it the answer is 429.",
    "检索品牌知识库": "Search the brand's knowledge", "查看简报进度和帖子": "Read briefs' progress and posts",
    "创建简报并生成草稿（需编辑角色）": "Create briefs and draft them (editor role)",
    "审核帖子（需审核角色）": "Review posts (reviewer role)", "排期发送（需审核角色）": "Schedule posts (reviewer role)",
    "查看报表": "Read reports",
}

CHINESE_LABELS: dict[str, str] = {
    "generating": "生成中", "error": "生成失败", "draft": "草稿", "in_review": "待审核",
    "changes_requested": "需修改", "approved": "已批准", "scheduled": "已排期", "published": "已发布",
    "claimed": "已领取", "sending": "发送中", "sent": "已发送", "failed": "失败", "retry": "等待重试",
    "unconfirmed": "结果未知", "cancelled": "已取消", "editor": "编辑", "reviewer": "审核员", "admin": "管理员", "member": "成员",
    "created": "创建", "drafted": "生成初稿", "draft_failed": "生成失败", "edited": "修改",
    "submitted": "提交审核", "rejected": "退回", "override": "合规放行", "missed": "错过发送",
    "confirmed_sent": "确认已发送", "resend": "重新发送", "regenerate_requested": "请求重新生成",
    "passage_rewritten": "改写选段", "transient": "暂时失败（可重试）",
    "permanent": "失败", "unknown": "结果未知", "brand_story": "品牌故事", "product_fact": "产品事实",
    "faq": "常见问题", "campaign": "活动", "persona": "人设", "regional_culture": "地域文化",
    "archived": "已归档", "restored": "恢复", "draft_requeued": "重新排队生成", "regenerating": "重新生成中", "generation_taken_over": "编辑接手",
    "rescheduled": "改期", "calendar_feed_rotated": "更换日历订阅地址", "member.add": "添加成员",
    "member.role": "修改角色", "member.remove": "移除成员", "member.invite": "发出邀请", "member.uninvite": "撤回邀请",
    "api_token.issue": "创建 API 令牌", "api_token.revoke": "吊销 API 令牌", "scripts.edit": "修改话术",
    "scripts.reset": "恢复内置话术",
}

# State, role, audit-action and document-kind codes in English (the Chinese ones are CHINESE_LABELS).
ENGLISH_LABELS: dict[str, str] = {
    "generating": "Drafting…", "error": "Drafting failed", "draft": "Draft", "in_review": "In review",
    "changes_requested": "Changes requested", "approved": "Approved", "scheduled": "Scheduled",
    "published": "Published", "claimed": "Claimed", "sending": "Sending", "sent": "Sent", "failed": "Failed",
    "retry": "Retrying", "unconfirmed": "Outcome unknown", "cancelled": "Cancelled", "missed": "Missed",
    "editor": "Editor", "reviewer": "Reviewer", "admin": "Admin", "created": "Created", "drafted": "Drafted",
    "draft_failed": "Drafting failed", "edited": "Edited", "submitted": "Submitted", "rejected": "Sent back",
    "override": "Compliance override", "confirmed_sent": "Confirmed sent", "resend": "Sent again",
    "regenerate_requested": "Regeneration requested", "passage_rewritten": "Passage rewritten",
    "transient": "Failed for now (will retry)", "permanent": "Failed", "unknown": "Outcome unknown",
    "brand_story": "Brand story", "product_fact": "Product fact", "faq": "FAQ", "campaign": "Campaign",
    "persona": "Persona", "regional_culture": "Regional culture", "archived": "Archived", "restored": "Restored",
    "draft_requeued": "Drafting queued again", "regenerating": "Regenerating…", "generation_taken_over": "Taken over by an edit",
    "rescheduled": "Rescheduled",
    "calendar_feed_rotated": "Calendar feed URL replaced", "member.add": "Member added", "member.role": "Role changed",
    "member.remove": "Member removed", "member.invite": "Invitation made", "member.uninvite": "Invitation withdrawn",
    "api_token.issue": "API token made", "api_token.revoke": "API token revoked", "scripts.edit": "Script lines changed",
    "scripts.reset": "Script lines reset",
}

# Messages the services compose, with {values} in them: errors, audit details, channel answers.
# A value that is itself a known message is translated too; brand material keeps its language.
MESSAGES: dict[str, str] = {
    # knowledge library: the reason names the file, which keeps its language
    "品牌资料包有误 / invalid brand kit: {detail}": "Invalid brand kit: {detail}",
    # posts and review
    "没有帖子 #{id}": "No post #{id}", "没有简报 #{id}": "No brief #{id}",
    "只有编辑可以修改帖子": "Only editors can change posts",
    "正文过长（最多{n}字）": "The text is too long (at most {n} characters)",
    "正文无法按原样排版：{problems}": "The text would not render as written: {problems}",
    "初稿还在生成中，请稍候": "The draft is still being written; please wait",
    "只有编辑可以提交审核": "Only editors can submit for review",
    "当前状态（{status}）不能提交审核": "A post that is {status} cannot be submitted for review",
    "还没有正文，不能提交": "There is no text to submit yet",
    "合规检查未通过，不能提交：{findings}": "The compliance check did not pass, so it cannot be submitted: {findings}",
    "只有审核员可以批准": "Only reviewers can approve",
    "当前状态（{status}）不能批准": "A post that is {status} cannot be approved",
    "帖子在你审阅后又被修改了，请查看最新修订再批准":
        "The post changed after you reviewed it; check the latest revision before approving",
    "此修订有合规阻断项，批准前请写明放行理由":
        "This revision has blocking findings; give a reason to let it through before approving",
    "只有审核员可以退回": "Only reviewers can send posts back",
    "当前状态（{status}）不能退回": "A post that is {status} cannot be sent back",
    "退回时请写明修改意见": "Say what should change when sending a post back",
    # drafting
    "未知的{label}: {slug}": "Unknown {label}: {slug}",
    "只有编辑可以重新生成": "Only editors can regenerate",
    "修改要求最多200字": "The instruction can be at most 200 characters",
    "生成任务未能排队（{kind}）：请检查消息队列后重试":
        "The drafting task could not be queued ({kind}): check the message queue and try again",
    "生成失败：{reason}": "Drafting failed: {reason}", "内部错误（{kind}）": "internal error ({kind})",
    "重新生成：{reason}": "Regeneration: {reason}", "重新生成": "Regenerated",
    "只有编辑可以改写": "Only editors can rewrite", "请先在正文中选中要改写的段落": "Select the passage to rewrite first",
    "选中的段落过长（最多{n}字），请分段改写": "The selection is too long (at most {n} characters); rewrite it in parts",
    "改写要求最多{n}字": "The instruction can be at most {n} characters",
    "改写失败，原文未改动：{reason}": "The rewrite failed and the text is unchanged: {reason}",
    "排序模型不可用（{kind}），按资料相关度选稿":
        "The ranking model was unavailable ({kind}); the draft was chosen by relevance to the material",
    "简报正文占了这条消息的大半篇幅，几个分群的版本差别不大；想让各群读到不同的内容，可以把简报写短些，或分群分别写":
        "The brief's own words fill most of this message, so the segments' versions differ little; for "
        "each group to read something different, write a shorter brief or one brief per segment",
    "排序模型超时，按资料相关度选稿": "The ranking model timed out; the draft was chosen by relevance to the material",
    "模型没有写出可用的稿子（{reason}）": "The model wrote no usable draft ({reason})",
    "{segments}的变体还没有批准": "the variant for {segments} is not approved yet",
    "简报没有写给这个群的人群": "the brief has no variant for this group's segments",
    "写作模型没有在时限内写完": "the writing model did not finish in time",
    "连不上写作模型服务，它可能没有启动": "the writing model's server cannot be reached; it may not be running",
    "写作模型服务拒绝了密钥，请管理员检查 OPENAI_API_KEY":
        "the writing model's server refused the key; an admin should check OPENAI_API_KEY",
    "写作模型的设置有误，请管理员检查模型名称与地址":
        "the writing model is set up wrongly; an admin should check the model name and address",
    "写作模型没有写出可用的文字": "the writing model wrote nothing usable",
    "调用写作模型失败": "the call to the writing model failed",
    "出现了意外错误（详情已记入日志）。请点“重新生成”再试，或直接编辑正文":
        "Something unexpected went wrong (the details are in the log). Click Regenerate to try again, or edit "
        "the text",
    "模型的稿子没有通过检查（{problem}）": "The model's draft did not pass the checks ({problem})",
    "重新生成（{note}）": "Regenerated ({note})", "{first}；{second}": "{first}; {second}",
    "模型初稿": "Model draft", "组合初稿": "Composed draft", "模型初稿（{note}）": "Model draft ({note})",
    "组合初稿（{note}）": "Composed draft ({note})", "改写选段：{instruction}": "Passage rewritten: {instruction}",
    # scheduling and deliveries
    "没有排期权限": "You may not schedule posts",
    "只有已批准的当前修订才能排期": "Only an approved current revision can be scheduled",
    "发送时间 {time}（{zone}）已经过去": "The send time {time} ({zone}) has passed",
    "发送时间格式不正确：{raw}": "The send time is not a date and time: {raw}",
    "日期格式不正确：{raw}（应为 YYYY-MM-DD）": "The date is not understood: {raw} (use YYYY-MM-DD)",
    "请至少选择一个发送渠道": "Choose at least one channel", "未知渠道 {slug}": "Unknown channel {slug}",
    "渠道 {name}：{problem}": "Channel {name}: {problem}",
    "渠道 {name} 已为此修订排期（{status}）": "Channel {name} is already scheduled for this revision ({status})",
    "帖子已有新的修订，请重新审核并排期，而不是重发旧版本":
        "The post has a newer revision: review and schedule it again instead of resending the old one",
    "没有发送记录 #{id}": "No delivery #{id}", "只有审核员可以处理发送异常": "Only reviewers can handle delivery problems",
    "当前状态（{status}）不能这样处理": "A delivery that is {status} cannot be handled this way",
    # channels
    "没有渠道 {slug}": "No channel {slug}",
    "只有管理员可以向真实群发送测试消息": "Only admins can send a test message to a real group",
    "无法解析渠道地址 {host}（请求未发出）": "Could not resolve the channel address {host} (nothing was sent)",
    "渠道地址无效，请检查 webhook 地址": "The channel address is not valid; check the webhook address",
    "渠道地址必须以 http:// 或 https:// 开头": "The channel address must start with http:// or https://",
    "渠道地址缺少主机名，请检查 webhook 地址": "The channel address has no host name; check the webhook address",
    "渠道地址 {named} 是{kind}，已拒绝发送：渠道只能发往公网地址":
        "The channel address {named} is {kind}; refused: channels only post to public addresses",
    "云服务器元数据地址": "a cloud metadata address", "未指定地址": "an unspecified address",
    "本机回环地址": "a loopback address", "链路本地地址": "a link-local address",
    "组播地址": "a multicast address", "保留地址": "a reserved address", "内网地址": "a private network address",
    "已投递到沙盒群": "Delivered to the sandbox group", "连接超时（请求未发出）": "Connection timed out (nothing was sent)",
    "等待回应超时：对方可能已收到": "No answer in time: the group may have received it",
    "连接在发送后中断：对方可能已收到": "The connection broke after sending: the group may have received it",
    "无法连接（请求未发出）": "Could not connect (nothing was sent)",
    "回应读取失败（{kind}）：对方可能已收到": "The answer could not be read ({kind}): the group may have received it",
    "{channel}：{detail}，{seconds}秒后重试": "{channel}: {detail}; retrying in {seconds} s",
    "发送中断，结果未知": "Sending was interrupted; outcome unknown",
    "{channel}：已超过宽限期": "{channel}: past the grace period",
    "{channel}：{detail}": "{channel}: {detail}",
    # knowledge library
    "品牌 {slug} 的资料包目录不存在：{path}，请重新导入":
        "The kit folder of brand {slug} does not exist: {path}; import it again",
    "不支持的文件类型：{name}（可上传 {suffixes}）": "Unsupported file type: {name} (you can upload {suffixes})",
    "请选择要上传的文件": "Choose files to upload", "{filename}：文件超过 50 MB": "{filename}: the file is over 50 MB",
    "{filename}：文件是空的": "{filename}: the file is empty", "没有文档 {doc_id}": "No document {doc_id}",
    "{doc_id} 是 {source} 中的一行，请编辑该文件后重新上传":
        "{doc_id} is a row of {source}; edit that file and upload it again",
    "文档来源路径异常：{source}": "Unexpected document source path: {source}",
    # audit details
    "修订 {n}": "revision {n}", "人群 {segment}": "segment {segment}", "模型 {model}": "model {model}",
    "（无要求）": "(no instruction)", "{instruction}（{n} 次生成）": "{instruction} ({n} generations)",
    "批准后修改，自动退回审核（取消 {n} 条待发送）":
        "Changed after approval, back to review ({n} pending deliveries cancelled)",
    "放行 {n} 处阻断项（{terms}）：{reason}": "Let {n} blocking findings through ({terms}): {reason}",
    "{time} {zone} → {channels}": "{time} {zone} → {channels}",
    # posters
    "更新海报": "Poster updated", "移除海报": "Poster removed", "只有编辑可以修改海报": "Only editors can change posters",
    # rituals: why a variant was set aside
    "仪式「{name}」本次跳过": "Ritual “{name}”: this occurrence was skipped",
    "仪式「{name}」已过冻结时间，未批准的变体不再发送":
        "Ritual “{name}” is past its freeze time: a variant not approved is not sent",
}

# Phrases the page scripts show; the page carries them in the user's language (`script_phrases`).
SCRIPT_PHRASES: dict[str, str] = {
    "未发现问题": "No problems found", "阻断": "block", "提示": "note", "。建议：": ". Suggestion: ", "；": "; ",
    "可以发送": "can be sent", "无法在此渠道发送：": "Cannot send on this channel: ",
    "保存时会被拒绝：": "Saving would be refused: ", "改写中…": "Rewriting…",
    "将发送到 {groups} 个群，共 {members} 人": "Goes to {groups} groups, {members} members",
    "改写失败，原文未改动，请重试": "The rewrite failed and the text is unchanged; try again",
    "改写期间正文有改动，未替换，请重新选中": "The text changed during the rewrite; nothing replaced, select again",
    "改写选段：": "Passage rewritten: ", "已替换选中段落，保存后成为新修订":
        "Selection replaced; save to make it a new revision",
    "改写请求失败，原文未改动": "The rewrite request failed and the text is unchanged",
    "请先在正文中选中要改写的段落": "Select the passage to rewrite first",
}

# The compliance check's own words (studio/compliance/rules/*.yaml, grounding), for the English editor.
FINDINGS: dict[str, str] = {
    "“{text}”是最高级/绝对化用语，违反《广告法》第九条第（三）项":
        "“{text}” is a superlative, an absolute term banned by the Advertising Law, art. 9(3)",
    "“{text}”是排名/第一类绝对化用语，违反《广告法》第九条第（三）项":
        "“{text}” claims a rank or first place, an absolute term banned by the Advertising Law, art. 9(3)",
    "“{text}”是“国家级/顶级/极品”类绝对化用语，违反《广告法》第九条第（三）项":
        "“{text}” is a “national-grade / top / finest” absolute term, banned by the Advertising Law, art. "
        "9(3)",
    "“{text}”是“独家/唯一/首个”类绝对化用语，违反《广告法》第九条":
        "“{text}” is an “exclusive / only / first” absolute term, banned by the Advertising Law, art. 9",
    "“{text}”夸大其词、无法证明，属于绝对化用语（《广告法》第九条）":
        "“{text}” exaggerates beyond proof, an absolute term (Advertising Law, art. 9)",
    "“{text}”是夸大或绝对化承诺（《广告法》第九条、第二十八条）":
        "“{text}” is an exaggerated or absolute promise (Advertising Law, arts. 9 and 28)",
    "“{text}”借用国家机关、领导人或权威名义，违反《广告法》第九条第（二）项":
        "“{text}” borrows the name of a state body, a leader or an authority, banned by the Advertising Law, "
        "art. 9(2)",
    "“{text}”制造虚假紧迫感或诱导消费，存在虚假宣传风险":
        "“{text}” makes up urgency or pushes people to buy: a false-advertising risk",
    "“{text}”承诺效果或收益，属于保证性承诺（《广告法》第二十五条、第二十八条）":
        "“{text}” promises an effect or a return, a guarantee (Advertising Law, arts. 25 and 28)",
    "“{text}”会提醒群里所有人，只有公告帖可以使用（非公告请去掉或转义）":
        "“{text}” notifies everyone in the group; only announcements may use it (remove or escape it "
        "otherwise)",
    "超出渠道字数上限：上限 {max_chars} 字，全文 {length} 字，多出 {overflow} 字（不计空白）":
        "Over the channel's limit: at most {max_chars} characters, the text has {length}, {overflow} too "
        "many "
        "(spaces not counted)",
    "“{text}”是当前人设的禁用词": "“{text}” is a taboo word of this persona",
    "“{text}”在品牌禁用词表中": "“{text}” is on the brand's list of banned words",
    "“{text}”宣称对身体的功效（调理、预防、改善某种身体状况），普通食品/用品不得宣传（《广告法》第十七条、第十八条）":
        "“{text}” claims an effect on the body (regulating, preventing or improving a condition), which "
        "ordinary "
        "food and goods may not claim (Advertising Law, arts. 17 and 18)",
    "“{text}”暗示用了就不生病、不再有某种症状，属于疾病预防宣称（《广告法》第十七条）":
        "“{text}” suggests that using it keeps illness or a symptom away, a disease-prevention claim "
        "(Advertising Law, art. 17)",
    "“{text}”暗示用了以后症状不再出现，属于疾病预防宣称（《广告法》第十七条）":
        "“{text}” suggests a symptom will not come back after use, a disease-prevention claim "
        "(Advertising Law, art. 17)",
    "“{text}”承诺彻底、一次性解决问题，属于绝对化的效果保证（《广告法》第九条、第二十八条）":
        "“{text}” promises to solve a problem completely or at once, an absolute guarantee of effect "
        "(Advertising Law, arts. 9 and 28)",
    "“{text}”承诺一次、一剂就好，属于绝对化的效果保证（《广告法》第二十八条）":
        "“{text}” promises a cure in one go or one dose, an absolute guarantee of effect (Advertising "
        "Law, art. 28)",
    "“{text}”宣称治疗或预防疾病，普通食品/化妆品不得宣传医疗作用（《广告法》第十七条）":
        "“{text}” claims to treat or prevent disease; ordinary food and cosmetics may not claim medical "
        "effects "
        "(Advertising Law, art. 17)",
    "“{text}”是保健功能宣称，普通食品不得宣传（《广告法》第十八条、《食品安全法》第七十三条）":
        "“{text}” is a health-function claim, which ordinary food may not make (Advertising Law, art. 18; "
        "Food Safety Law, art. 73)",
    "“{text}”是减肥瘦身功效宣称，普通食品不得宣传（《广告法》第十八条、第二十八条）":
        "“{text}” is a weight-loss claim, which ordinary food may not make (Advertising Law, arts. 18 and "
        "28)",
    "“{text}”是对功效、安全性的保证或医学背书，违反《广告法》第十六条、第十七条、第二十八条":
        "“{text}” guarantees effect or safety or claims medical endorsement, banned by the Advertising Law, "
        "arts. 16, 17 and 28",
    "“{text}”宣称作用于细胞、基因等人体生理结构，属于医疗功效宣称（《广告法》第十七条、《化妆品监督管理条例》）":
        "“{text}” claims to act on cells, genes or other body structures, a medical claim (Advertising Law, "
        "art. 17; Cosmetics Regulation)",
    "“{text}”涉及母婴产品的禁止宣称（《广告法》第二十条等）":
        "“{text}” is a banned claim for mother-and-baby products (Advertising Law, art. 20 and others)",
    "“{text}”是化妆品特殊功效或医疗化宣称，需有注册/备案与功效评价，否则违规（《化妆品监督管理条例》）":
        "“{text}” is a special-effect or medical claim for cosmetics, allowed only with registration and an "
        "efficacy evaluation (Cosmetics Regulation)",
    "价格“{text}”与引用资料中的价格（{prices}）不符": "The price “{text}” does not match the cited material ({prices})",
    "“{text}”在引用的资料中找不到出处：{sentence}": "“{text}” has no source in the cited material: {sentence}",
    "{first}；{second}": "{first}; {second}",
    # suggestions
    "删减约 {overflow} 字，或拆成两条发送": "Cut about {overflow} characters, or send it as two posts",
    "删去“{text}”，或换成品牌认可的说法": "Remove “{text}” or use wording the brand approves",
    "删去“一次搞定”这类保证，写清用法和可以核实的事实":
        "Remove guarantees such as “一次搞定”; state how to use it and facts that can be checked",
    "删去“彻底”“一次搞定”这类保证，写清用法和可以核实的事实":
        "Remove guarantees such as “彻底” or “一次搞定”; state how to use it and facts that can be checked",
    "删去保证与背书，写清产品信息和“请遵医嘱”等提示":
        "Remove the guarantee and endorsement; give product facts and notes such as “请遵医嘱” (follow "
        "medical advice)",
    "删去减肥说法，可写“低卡”“轻负担”等有营养标签依据的描述":
        "Remove the weight-loss claim; “低卡” or “轻负担” are fine when the nutrition label backs them",
    "删去功效宣称，只写成分、口感、工艺、用法等可以核实的信息":
        "Remove the effect claim; write only what can be checked: ingredients, taste, craft, use",
    "删去功能宣称，改写口感、原料、工艺等客观信息": "Remove the function claim; write about taste, ingredients and craft",
    "删去对症状、疾病的承诺，只写产品本身的信息": "Remove the promise about symptoms or disease; write about the product",
    "删去对症状的承诺，只写产品本身的信息": "Remove the promise about symptoms; write about the product",
    "删去对细胞、基因的作用描述，只写成分、质地、用法等可以核实的信息":
        "Remove what it does to cells or genes; write only what can be checked: ingredients, texture, use",
    "删去承诺，写清可以核实的条件与事实；涉及投资回报的，须如实提示风险":
        "Remove the promise; state conditions and facts that can be checked, and any investment risk "
        "honestly",
    "删去排名说法；如有真实奖项或榜单，写明名称、年份与出处":
        "Remove the ranking; for a real award or list, name it with its year and source",
    "删去疾病与疗效描述，只写口感、产地、工艺等；可加“本品不能代替药物”":
        "Remove disease and cure claims; write about taste, origin and craft; you may add “本品不能代替药物”",
    "删去绝对化承诺，改为可核实的事实描述": "Remove the absolute promise; describe facts that can be checked",
    "删去，不得借用国家机关或领导人名义宣传": "Remove it: state bodies and leaders may not be used in advertising",
    "删去，或写明可以证明的事实（如“自有茶园”“2012年起做白茶”）":
        "Remove it, or state a fact that can be proven (e.g. “自有茶园”, “2012年起做白茶”)",
    "删去，或换成已备案的功效表述并保留证据": "Remove it, or use a registered effect claim and keep the evidence",
    "删去，改为具体、可核实的描述": "Remove it; describe something specific that can be checked",
    "删去；婴儿食品不得宣称替代母乳，孕产相关功效不得宣传":
        "Remove it: baby food may not claim to replace breast milk, and pregnancy effects may not be "
        "advertised",
    "去掉“{text}”，或写成不会触发提醒的形式": "Remove “{text}”, or write it so it does not notify everyone",
    "去掉“最”字，改成可以核实的具体描述（如产地、工艺、口感、数据）":
        "Drop “最” and say something specific that can be checked (origin, craft, taste, figures)",
    "按人设口吻换一种说法，或删去“{text}”": "Say it another way in the persona's voice, or remove “{text}”",
    "改为“精选”“上好”或写明真实等级（如“特级”“一级”按国标）":
        "Use “精选” or “上好”, or name the real grade (such as “特级” or “一级” under the national standard)",
    "改成真实的活动时间与数量，如“活动到11月30日24点”“限量200份”":
        "Give the real dates and quantities, e.g. “活动到11月30日24点”, “限量200份”",
    "删除或换一种说法": "Remove it or say it another way",
    "改成资料中的数字，或删去这一说法": "Use the figure from the material, or remove the claim",
    "核对后改成资料中的说法，或删去": "Check it and use the material's wording, or remove it",
    # one-click fixes
    "删去": "Remove", "改为“{text}”": "Change to “{text}”", "删去这一分句": "Remove this clause",
    "删去这一句": "Remove this sentence",
}
