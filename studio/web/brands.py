from flask import render_template, request

from studio.services import brands
from studio.services.errors import StudioError
from studio.web import bp


@bp.get("/brands/<slug>")
def brand(slug: str):
    brand = brands.get_brand(slug)
    query = request.args.get("q", "").strip()
    hits, error = [], ""
    if query:
        try:
            hits = brands.search_knowledge(slug, query, k=8)
        except StudioError as exc:
            error = str(exc)
    return render_template("brand.html", brand=brand, documents=brands.list_documents(brand.id), query=query,
                           hits=hits, error=error)
