"""Live collection: AWS configuration (boto3) or saved describe_* JSON (``--from-dir``) in, a snapshot out.

The only package of ``engine`` that imports boto3/botocore. Nothing here is imported by the answering path
except ``engine.collect.store`` (for ``s3://`` snapshots), so this file stays empty on purpose: importing the
package must not pull in boto3. Layout (see README.md beside this file):

- ``aws``: sessions, retries and timeouts, accounts (``--role-arn``, organisation mode), failures → gaps;
- ``crawl``: which calls to make, against AWS (``LiveSource``) or a saved directory (``DirSource``);
- ``raw``: the API-shaped data of one (account, region) and the ``--from-dir`` directory layout;
- ``map_ec2`` / ``map_global``: pure functions, API-shaped dicts in, ``engine.model`` objects out;
- ``proxy_settings`` / ``overlay``: proxy variables from user data, tags, SSM and an overlay file;
- ``assemble``: one snapshot from many (account, region) parts; ``collector``: the whole run;
- ``store``: the ``s3://`` snapshot store; ``cli``: ``reachbot collect``; ``seed_demo``: an emulator estate.
"""
