"""`studio orders`: the order webhook's secret, coupon redemptions from a file, and what came of the links."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from studio.cli import _emit, read_csv_file, service_command
from studio.extensions import db
from studio.links import conversions, redemptions
from studio.links.analytics import brand_by_slug

orders_cli = AppGroup("orders", help="Orders from the brand's shop, attributed to tracked links / 订单与转化。")


@orders_cli.command("secret")
@click.option("--brand", "brand_slug", required=True)
@click.option("--rotate", is_flag=True, help="Replace the secret; the old one stops working at once.")
@click.option("--json", "as_json", is_flag=True)
@service_command
def secret_command(brand_slug: str, rotate: bool, as_json: bool):
    """The order webhook's address and secret. A secret is shown in full only when it is made."""
    brand = brand_by_slug(brand_slug)
    secret, created = conversions.webhook_secret(brand, rotate=rotate)
    db.session.commit()
    url = f"{current_app.config['STUDIO_BASE_URL'].rstrip('/')}/api/v1/brands/{brand.slug}/orders"
    result = {"url": url, "header": conversions.SIGNATURE_HEADER, "created": created,
              "secret": secret if created else None, "secret_hint": conversions.secret_hint(secret)}
    if as_json:
        _emit(result)
        return
    click.echo(f"POST {url}\n{conversions.SIGNATURE_HEADER}: sha256=<HMAC-SHA256(secret, body)>")
    click.echo(f"secret: {secret}  (shown once)" if created else
               f"secret: {result['secret_hint']}  (set earlier; --rotate makes a new one)")


@orders_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--brand", "brand_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def import_command(csv_file: str, brand_slug: str, as_json: bool):
    """Coupon redemptions from CSV (code,order_id,amount,redeemed_at[,token]), each an order attributed by its
    code. A file with any bad row changes nothing; codes the studio never handed out are skipped and named."""
    text = read_csv_file(csv_file)
    result = redemptions.import_redemptions(brand_slug, text)
    if as_json:
        _emit(result)
        return
    click.echo(f"{result['rows']} 行：新订单 {result['created']}，重复 {result['duplicates']}，"
               f"未知券码 {result['skipped']} {' '.join(result['unknown_codes'])}")


@orders_cli.command("stats")
@click.option("--brand", "brand_slug", required=True)
@click.option("--json", "as_json", is_flag=True)
@service_command
def stats_command(brand_slug: str, as_json: bool):
    """All orders, and the orders and sales that came through the brand's links."""
    summary = conversions.order_summary(brand_by_slug(brand_slug))
    if as_json:
        _emit(summary)
        return
    click.echo(f"订单 {summary['orders']}（经链接 {summary['attributed_orders']}，未归因 "
               f"{summary['unattributed_orders']}），销售额 {summary['revenue']:.2f} 元（经链接 "
               f"{summary['attributed_revenue']:.2f} 元）")
