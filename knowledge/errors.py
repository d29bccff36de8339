"""Errors raised by the knowledge package."""


class KnowledgeError(Exception):
    """Base class of every error this package raises on purpose."""


class KitError(KnowledgeError, ValueError):
    """A brand kit is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str], *, root: object = None):
        self.problems = list(problems)
        self.root = root
        where = f"brand kit {root}" if root is not None else "brand kit"
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(f"{where} has {len(self.problems)} problem(s) / 品牌资料包有问题:\n{lines}")


class EmbedderMismatch(KnowledgeError):
    """A brand's index was built with another embedder than the configured one."""

    def __init__(self, brand_slug: str, indexed_with: str, configured: str):
        self.brand_slug = brand_slug
        self.indexed_with = indexed_with
        self.configured = configured
        super().__init__(
            f"index of brand {brand_slug!r} was built with embedder {indexed_with!r}; "
            f"the configured embedder is {configured!r}: re-index the brand "
            f"(import it again with reindex) / 请重建该品牌的索引"
        )
