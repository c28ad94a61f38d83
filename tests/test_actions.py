"""``--action`` takes only a real IAM action of the destination's service (Service Authorization Reference,
"Actions, resources, and condition keys for <service>"); a typo or an API operation name gets the closest real
actions, as bad input (exit 2), never a verdict about an action nobody calls."""

from __future__ import annotations

import json

import botocore.loaders
import pytest

from engine import Engine
from engine.actions import actions_of, check_action
from engine.cli.main import main
from engine.errors import QuestionError
from tests.tools.gen_iam_actions import OUT, SERVICES


def test_a_real_s3_action_is_taken_in_its_documented_spelling(article_engine: Engine) -> None:
    answer = article_engine.ask("web-osaka-a -> app-data", action="s3:listbucket", fixes=False)
    assert answer.action == "s3:ListBucket"


def test_a_misspelt_action_names_the_closest_real_ones(article_engine: Engine) -> None:
    with pytest.raises(QuestionError, match=r"Closest: s3:GetObject") as caught:
        article_engine.ask("web-osaka-a -> app-data", action="s3:GetObjct")
    assert "s3:GetObject" in caught.value.candidates
    assert caught.value.kind == "invalid"  # found after the bucket: an access map must not show it to strangers


def test_an_s3_api_operation_points_to_the_action_a_policy_names(article_engine: Engine) -> None:
    """ListObjectsV2 is authorised by s3:ListBucket (S3 API Reference, ListObjectsV2 "Permissions")."""
    with pytest.raises(QuestionError, match=r"as s3:ListBucket"):
        article_engine.ask("web-osaka-a -> app-data", action="s3:ListObjectsV2")


def test_another_services_action_is_refused_for_a_bucket(article_engine: Engine) -> None:
    with pytest.raises(QuestionError, match=r"not a s3 action.*e\.g\. s3:GetObject"):
        article_engine.ask("web-osaka-a -> app-data for kms:Decrypt")


def test_an_action_in_the_question_text_is_checked_too(article_engine: Engine) -> None:
    with pytest.raises(QuestionError, match=r"not an action of s3"):
        article_engine.ask("web-osaka-a -> app-data for s3:GetObjectz")


def test_a_service_host_takes_its_own_actions() -> None:
    assert check_action("KMS:decrypt", "kms") == "kms:Decrypt"
    assert check_action("sts:TagSession", "sts") == "sts:TagSession"  # an action with no operation of its name
    with pytest.raises(QuestionError, match=r"Closest: kms:Decrypt"):
        check_action("kms:Decrypted", "kms")


def test_a_service_without_a_list_is_not_checked() -> None:
    """reachbot judges the action against the policies it sees; with no list it cannot call a name unreal."""
    assert actions_of("execute-api") is None
    assert check_action("Execute-API:Invoke", "execute-api") == "execute-api:Invoke"
    assert check_action("s3:Anything", None) == "s3:Anything"


def test_cli_refuses_an_unreal_action_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "web-osaka-a -> app-data", "--action", "s3:GetObjct"])
    err = capsys.readouterr().err
    assert code == 2 and "Closest: s3:GetObject" in err and "Traceback" not in err


def test_stored_action_lists_are_operations_of_botocores_models() -> None:
    """engine/data/iam-actions.json (written by tests/tools/gen_iam_actions.py) holds only real operation names;
    the engine reads it because engine/ does not import botocore at run time."""
    stored = json.loads(OUT.read_text())
    loader = botocore.loaders.create_loader()
    assert set(stored) == set(SERVICES)
    for prefix, name in SERVICES.items():
        operations = set(loader.load_service_model(name, "service-2")["operations"])
        assert set(stored[prefix]) <= operations, prefix
        assert {"Decrypt", "GetSecretValue", "GetParameter", "GetCallerIdentity", "PutLogEvents",
                "GetAuthorizationToken", "GetItem"} & set(stored[prefix]), prefix
