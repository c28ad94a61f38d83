"""The article's estate, built in code and shipped as ``engine/data/article-estate.json``.

Topology (``article-scenarios.md``): a shared Squid proxy in Osaka (ap-northeast-3), in a public subnet whose
route table *also* sends S3 to a gateway endpoint with a restrictive endpoint policy; client VPCs in Osaka and
Tokyo (ap-northeast-1) with private subnets and their own S3 gateway endpoints; Tokyo reaches the Osaka proxy
over inter-region VPC peering; the proxy's name lives in the private hosted zone ``corp.internal``. Each client
VPC has one instance without a ``NO_PROXY`` exclusion for S3 (``web-…``) and one with it (``batch-…``).
The Osaka bucket ``app-data`` is pinned to the Osaka client-side endpoint by its bucket policy.
"""

from __future__ import annotations

from engine import model as m
from engine.estates.builder import EstateBuilder, allow_all, tcp

OSAKA, TOKYO = "ap-northeast-3", "ap-northeast-1"
NETWORK_ACCOUNT, APP_ACCOUNT = "111122223333", "444455556666"
PROXY_URL = "http://proxy.corp.internal:3128"
BASE_NO_PROXY = "localhost,127.0.0.1,169.254.169.254,.corp.internal"
# The exclusion the article recommends, written the over-broad way many teams do.
WITH_S3_EXCLUSION = BASE_NO_PROXY + ",.amazonaws.com"

# The ten cases: (number, source instance Name, bucket).
CASES: list[tuple[int, str, str]] = [
    (1, "squid-proxy-osaka", "app-data"),
    (2, "squid-proxy-osaka", "app-data-tokyo"),
    (3, "web-osaka-a", "app-data"),
    (4, "batch-osaka-b", "app-data"),
    (5, "web-osaka-a", "app-data-tokyo"),
    (6, "batch-osaka-b", "app-data-tokyo"),
    (7, "web-tokyo-a", "app-data"),
    (8, "batch-tokyo-b", "app-data"),
    (9, "web-tokyo-a", "app-data-tokyo"),
    (10, "batch-tokyo-b", "app-data-tokyo"),
]


def s3_rw_policy(*buckets: str) -> dict[str, object]:
    resources = [f"arn:aws:s3:::{b}" for b in buckets] + [f"arn:aws:s3:::{b}/*" for b in buckets]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AppBuckets", "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "Resource": resources},
            {"Sid": "SessionManager", "Effect": "Allow",
             "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"], "Resource": "*"},
        ],
    }


def article_estate() -> m.Snapshot:
    b = EstateBuilder(source="bundled:article-estate")
    b.account(NETWORK_ACCOUNT, "network-shared")
    b.account(APP_ACCOUNT, "app-prod")

    # Osaka: the shared proxy VPC (network account).
    shared = b.vpc("shared-egress-osaka", OSAKA, "10.10.0.0/16", NETWORK_ACCOUNT)
    proxy_subnet = b.subnet(shared, "shared-proxy-public-a", "10.10.0.0/24", public=True)
    proxy_rtb = b.route_table(shared, "shared-proxy-public-rt", [proxy_subnet])
    igw = b.internet_gateway(shared, "shared-egress-igw")
    b.route(proxy_rtb, "0.0.0.0/0", igw)

    # Client VPCs (app account): private subnets, no NAT, no internet route.
    osaka = b.vpc("app-osaka", OSAKA, "10.20.0.0/16", APP_ACCOUNT)
    osaka_subnet = b.subnet(osaka, "app-osaka-private-a", "10.20.1.0/24")
    osaka_rtb = b.route_table(osaka, "app-osaka-private-rt", [osaka_subnet])
    tokyo = b.vpc("app-tokyo", TOKYO, "10.30.0.0/16", APP_ACCOUNT)
    tokyo_subnet = b.subnet(tokyo, "app-tokyo-private-a", "10.30.1.0/24")
    tokyo_rtb = b.route_table(tokyo, "app-tokyo-private-rt", [tokyo_subnet])

    # Peering: same-region for Osaka clients, inter-region for Tokyo clients; routes on both sides.
    pcx_osaka = b.peering(osaka, shared, "app-osaka-to-shared-egress")
    pcx_tokyo = b.peering(tokyo, shared, "app-tokyo-to-shared-egress")
    b.route(osaka_rtb, "10.10.0.0/16", pcx_osaka)
    b.route(tokyo_rtb, "10.10.0.0/16", pcx_tokyo)
    b.route(proxy_rtb, "10.20.0.0/16", pcx_osaka)
    b.route(proxy_rtb, "10.30.0.0/16", pcx_tokyo)

    # S3 gateway endpoints: the proxy side one is restrictive; the client side ones use the default policy.
    b.gateway_endpoint(
        shared, "s3", [proxy_rtb], name="shared-egress-s3",
        policy={
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "AllowOnlySharedServicesBuckets", "Effect": "Allow", "Principal": "*",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [
                    "arn:aws:s3:::network-shared-proxy-config", "arn:aws:s3:::network-shared-proxy-config/*",
                    "arn:aws:s3:::al2023-repos-ap-northeast-3-de612dc2/*",
                ],
            }],
        },
    )
    osaka_vpce = b.gateway_endpoint(osaka, "s3", [osaka_rtb], name="app-osaka-s3")
    b.gateway_endpoint(tokyo, "s3", [tokyo_rtb], name="app-tokyo-s3")

    # SSM for the Tokyo VPC through an interface endpoint with private DNS.
    ssm_sg = b.security_group(tokyo, "app-tokyo-endpoints", ingress=[tcp(443, "10.30.0.0/16")])
    b.interface_endpoint(tokyo, "ssm", {tokyo_subnet: "10.30.1.100"}, [ssm_sg], name="app-tokyo-ssm")

    # Instances.
    proxy_sg = b.security_group(
        shared, "squid-proxy", ingress=[tcp(3128, "10.20.0.0/16", "10.30.0.0/16")], egress=[allow_all()]
    )
    proxy_role = b.role(NETWORK_ACCOUNT, "squid-proxy-role", {
        "proxy-config-read": {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "ReadConfigAndSync", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                           "Resource": ["arn:aws:s3:::network-shared-proxy-config*",
                                        "arn:aws:s3:::app-data-tokyo", "arn:aws:s3:::app-data-tokyo/*"]}],
        },
    })
    b.instance(proxy_subnet, "squid-proxy-osaka", "10.10.0.10", [proxy_sg], role_arn=proxy_role,
               public_ip="15.152.34.10", proxy_ports=[3128], extra_tags={"Role": "forward-proxy"})
    web_role = b.role(APP_ACCOUNT, "app-web-role", {"app-data-access": s3_rw_policy("app-data", "app-data-tokyo")})
    batch_role = b.role(APP_ACCOUNT, "app-batch-role", {"app-data-access": s3_rw_policy("app-data", "app-data-tokyo")})
    app_osaka_sg = b.security_group(osaka, "app-osaka-servers")
    app_tokyo_sg = b.security_group(tokyo, "app-tokyo-servers")
    env = {"HTTPS_PROXY": PROXY_URL, "HTTP_PROXY": PROXY_URL, "NO_PROXY": BASE_NO_PROXY}
    excl = {**env, "NO_PROXY": WITH_S3_EXCLUSION}
    b.instance(osaka_subnet, "web-osaka-a", "10.20.1.11", [app_osaka_sg], role_arn=web_role, proxy_env=env)
    b.instance(osaka_subnet, "batch-osaka-b", "10.20.1.12", [app_osaka_sg], role_arn=batch_role, proxy_env=excl)
    b.instance(tokyo_subnet, "web-tokyo-a", "10.30.1.31", [app_tokyo_sg], role_arn=web_role, proxy_env=env,
               env_source="tag")
    b.instance(tokyo_subnet, "batch-tokyo-b", "10.30.1.32", [app_tokyo_sg], role_arn=batch_role, proxy_env=excl,
               env_source="ssm:/reachbot/proxy/{instance_id}/{var}")

    # DNS: the proxy's name in a private hosted zone shared with every VPC.
    b.private_zone("corp.internal", [shared, osaka, tokyo], {"proxy.corp.internal": "10.10.0.10"},
                   account=NETWORK_ACCOUNT)

    # Buckets.
    b.bucket("app-data", OSAKA, APP_ACCOUNT, policy={
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyUnlessFromAppOsakaEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"],
            "Condition": {"StringNotEquals": {"aws:sourceVpce": osaka_vpce}},
        }],
    })
    b.bucket("app-data-tokyo", TOKYO, APP_ACCOUNT, policy={
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowSharedProxySync", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{NETWORK_ACCOUNT}:role/squid-proxy-role"},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::app-data-tokyo", "arn:aws:s3:::app-data-tokyo/*"],
        }],
    })
    b.bucket("network-shared-proxy-config", OSAKA, NETWORK_ACCOUNT)
    return b.build()
