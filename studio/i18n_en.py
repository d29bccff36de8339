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
    "模型正在撰写初稿，文字会随生成逐步出现…": "The model is writing the draft; the text appears as it is written…",
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
    "人设、人群和渠道来自品牌资料包的 brand.yaml，这里只能查看。要修改它们：编辑资料包里的 brand.yaml，再重新导入（studio brand import 资料包目录）。":
        "Personas, segments and channels come from brand.yaml in the brand kit and can only be viewed here. "
        "To change them, edit brand.yaml in the kit and import it again (studio brand import KIT_FOLDER).",
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
    "已保存新修订": "Saved as a new revision", "已提交审核": "Submitted for review", "已批准": "Approved",
    "已退回修改": "Sent back for changes", "已排期": "Scheduled", "已标记为已发送": "Marked as sent",
    "已重新排入发送": "Queued to send again",
    "已开始重新生成：完成后会出现新的修订，请稍后刷新":
        "Regenerating: a new revision appears when it is done; refresh in a moment",
    "生成失败": "Drafting failed", "全选": "Select all", "原因": "Reason", "重新生成所选": "Regenerate selected",
    "归档所选": "Archive selected", "已处理 {count} 条帖子": "{count} posts done", "已恢复": "Restored",
    "恢复": "Restore", "归档": "Archive", "已归档：不在工作台和队列中显示": "Archived: not listed on the dashboard or in queues",
}

CHINESE_LABELS: dict[str, str] = {
    "generating": "生成中", "error": "生成失败", "draft": "草稿", "in_review": "待审核",
    "changes_requested": "需修改", "approved": "已批准", "scheduled": "已排期", "published": "已发布",
    "claimed": "已领取", "sending": "发送中", "sent": "已发送", "failed": "失败", "retry": "等待重试",
    "unconfirmed": "结果未知", "cancelled": "已取消", "editor": "编辑", "reviewer": "审核员", "admin": "管理员",
    "created": "创建", "drafted": "生成初稿", "draft_failed": "生成失败", "edited": "修改",
    "submitted": "提交审核", "rejected": "退回", "override": "合规放行", "missed": "错过发送",
    "confirmed_sent": "确认已发送", "resend": "重新发送", "regenerate_requested": "请求重新生成",
    "passage_rewritten": "改写选段", "transient": "暂时失败（可重试）",
    "permanent": "失败", "unknown": "结果未知", "brand_story": "品牌故事", "product_fact": "产品事实",
    "faq": "常见问题", "campaign": "活动", "persona": "人设", "regional_culture": "地域文化",
    "archived": "已归档", "restored": "恢复",
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
}

# Messages the services compose, with {values} in them: errors, audit details, channel answers.
# A value that is itself a known message is translated too; brand material keeps its language.
MESSAGES: dict[str, str] = {
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
}

# Phrases the page scripts show; the page carries them in the user's language (`script_phrases`).
SCRIPT_PHRASES: dict[str, str] = {
    "未发现问题": "No problems found", "阻断": "block", "提示": "note", "。建议：": ". Suggestion: ", "；": "; ",
    "可以发送": "can be sent", "无法在此渠道发送：": "Cannot send on this channel: ",
    "保存时会被拒绝：": "Saving would be refused: ", "改写中…": "Rewriting…",
    "改写失败，原文未改动，请重试": "The rewrite failed and the text is unchanged; try again",
    "改写期间正文有改动，未替换，请重新选中": "The text changed during the rewrite; nothing replaced, select again",
    "改写选段：": "Passage rewritten: ", "已替换选中段落，保存后成为新修订":
        "Selection replaced; save to make it a new revision",
    "改写请求失败，原文未改动": "The rewrite request failed and the text is unchanged",
    "请先在正文中选中要改写的段落": "Select the passage to rewrite first",
}
