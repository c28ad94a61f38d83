"""A plain fleet of instances in an account of its own, seeded into moto's server: for incremental collection,
throttling and the collection benchmark (bench/collect_bench.py), where the number of instances is the point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from engine.collect.seed_demo import _assumed

AMI = "ami-0123456789abcdef0"
PROXY = "http://proxy.corp.example:3128"


def user_data(proxy: str = PROXY) -> str:
    return f"#!/bin/bash\nexport HTTPS_PROXY={proxy}\nexport NO_PROXY=169.254.169.254\n"


@dataclass
class Fleet:
    account: str
    region: str
    instance_ids: list[str]
    bucket: str

    @property
    def role_arn(self) -> str:
        return f"arn:aws:iam::{self.account}:role/reachbot-collector"

    def ec2(self, url: str) -> Any:
        return _assumed(boto3.Session(), url, self.account).client("ec2", region_name=self.region, endpoint_url=url)


def seed_fleet(url: str, account: str, region: str, count: int, per_reservation: int = 20) -> Fleet:
    """``count`` running instances whose user data sets HTTPS_PROXY, in reservations of ``per_reservation``
    (DescribeInstances pages by reservation), over subnets of 500, plus one bucket in the same region."""
    session = _assumed(boto3.Session(), url, account)
    ec2 = session.client("ec2", region_name=region, endpoint_url=url)
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    ids: list[str] = []
    subnet = ""
    while len(ids) < count:
        if len(ids) % 500 == 0:
            cidr = f"10.60.{(len(ids) // 500) * 16}.0/20"
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        n = min(per_reservation, count - len(ids), 500 - len(ids) % 500)
        made = ec2.run_instances(ImageId=AMI, MinCount=n, MaxCount=n, SubnetId=subnet, UserData=user_data())
        ids += [i["InstanceId"] for i in made["Instances"]]
    bucket = f"fleet-data-{account}"
    session.client("s3", region_name=region, endpoint_url=url).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    return Fleet(account, region, ids, bucket)
