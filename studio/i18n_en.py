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
    "提交审核": "Submit for review", "预览": "Preview", "引用": "Citations", "已引用": "cited", "无": "None",
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
    "重新生成的要求（可选），如：更口语一点、短一点": "Instruction (optional), e.g. more casual, shorter",
    "regenerate_requested": "regeneration requested", "设置": "Settings", "发送测试消息": "Send test message", "transient": "transient",
    "permanent": "permanent", "unknown": "unknown", "需要处理的发送": "Deliveries needing attention", "标记为已发送": "Mark as sent",
    "重新发送": "Send again", "确认重新发送？群里可能会收到两次。": "Send again? The group may get it twice.",
    "missed": "missed", "confirmed_sent": "confirmed sent", "resend": "sent again", "来源": "Source", "删除": "Delete", "索引片段": "Indexed chunks", "合规检查": "Compliance check",
    "此修订有合规阻断项，放行理由": "This revision has blocking findings; reason to let it through",
    # statuses, roles, audit actions
    "generating": "drafting…", "error": "error", "draft": "draft", "in_review": "in review",
    "changes_requested": "changes requested", "approved": "approved", "scheduled": "scheduled",
    "published": "published", "claimed": "claimed", "sending": "sending", "sent": "sent", "failed": "failed",
    "retry": "retrying", "unconfirmed": "unconfirmed", "cancelled": "cancelled", "editor": "editor",
    "reviewer": "reviewer", "admin": "admin", "created": "created", "drafted": "drafted",
    "draft_failed": "draft failed", "edited": "edited", "submitted": "submitted", "rejected": "sent back",
    "override": "compliance override",
}

CHINESE_LABELS: dict[str, str] = {
    "generating": "生成中", "error": "生成失败", "draft": "草稿", "in_review": "待审核",
    "changes_requested": "需修改", "approved": "已批准", "scheduled": "已排期", "published": "已发布",
    "claimed": "已领取", "sending": "发送中", "sent": "已发送", "failed": "失败", "retry": "等待重试",
    "unconfirmed": "结果未知", "cancelled": "已取消", "editor": "编辑", "reviewer": "审核员", "admin": "管理员",
    "created": "创建", "drafted": "生成初稿", "draft_failed": "生成失败", "edited": "修改",
    "submitted": "提交审核", "rejected": "退回", "override": "合规放行", "missed": "错过发送",
    "confirmed_sent": "确认已发送", "resend": "重新发送", "regenerate_requested": "请求重新生成", "transient": "暂时失败（可重试）",
    "permanent": "失败", "unknown": "结果未知", "brand_story": "品牌故事", "product_fact": "产品事实",
    "faq": "常见问题", "campaign": "活动", "persona": "人设", "regional_culture": "地域文化",
}
