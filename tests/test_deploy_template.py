"""deploy/sam/template.yaml: cfn-lint clean, and its Step Functions state machine well formed.

cfn-lint validates SAM resources against SAM's schema without running the transform, so the state machine's
definition is also linted as an ``AWS::StepFunctions::StateMachine`` (cfn-lint's Amazon States Language schema,
rule E3601). The walk below checks what no schema does: every state is reachable from ``StartAt``, every
``Next`` names a state, every path ends, and every function the definition invokes is a function of the
template whose image command is a real handler in the code (Step Functions Developer Guide, "Amazon States
Language"; "Map state in Distributed mode").
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from cfnlint.api import lint
from cfnlint.decode.decode import decode

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
TEMPLATE = DEPLOY / "sam" / "template.yaml"
DOCKERFILE = DEPLOY / "sam" / "Dockerfile.lambda"
TERMINAL_TYPES = {"Succeed", "Fail"}
SUBSTITUTION = re.compile(r"\$\{(\w+)\}")


@pytest.fixture(scope="module", name="template")
def template_fixture() -> dict[str, Any]:
    template, errors = decode(str(TEMPLATE))
    assert not errors and template is not None
    return dict(template)


def _machine(template: dict[str, Any]) -> dict[str, Any]:
    machines = [r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::StateMachine"]
    assert len(machines) == 1
    return dict(machines[0]["Properties"])


def _machines(definition: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """The definition and every nested one (a Map's ItemProcessor, a Parallel's branches)."""
    yield where or "top", definition
    for name, state in definition["States"].items():
        if "ItemProcessor" in state:
            yield from _machines(state["ItemProcessor"], f"{where}{name}.ItemProcessor")
        for i, branch in enumerate(state.get("Branches", [])):
            yield from _machines(branch, f"{where}{name}.Branches[{i}]")


def _successors(state: dict[str, Any]) -> list[str]:
    nexts = [state["Next"]] if "Next" in state else []
    nexts += [choice["Next"] for choice in state.get("Choices", [])]
    nexts += [state["Default"]] if "Default" in state else []
    nexts += [catch["Next"] for catch in state.get("Catch", [])]
    return nexts


def test_template_is_cfn_lint_clean() -> None:
    assert [str(m) for m in lint(TEMPLATE.read_text())] == []


def test_state_machine_definition_passes_the_states_language_schema(template: dict[str, Any]) -> None:
    """The same definition, its substitutions made as CloudFormation makes them in the aws partition, as a plain
    AWS::StepFunctions::StateMachine, so cfn-lint's E3601 checks its states."""
    props = _machine(template)
    values = {"Partition": "aws", "SnapshotBucket": "reachbot-snapshots"}
    for key, value in props["DefinitionSubstitutions"].items():
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            values[key] = f"arn:aws:lambda:eu-west-1:123456789012:function:{value['Fn::GetAtt'][0]}"
    rendered = SUBSTITUTION.sub(lambda m: values[m.group(1)], json.dumps(props["Definition"]))
    plain = {"Resources": {"Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
        "RoleArn": "arn:aws:iam::123456789012:role/machine", "Definition": json.loads(rendered)}}}}
    assert [str(m) for m in lint(json.dumps(plain))] == []


def test_every_state_is_reachable_and_every_next_names_a_state(template: dict[str, Any]) -> None:
    for where, machine in _machines(_machine(template)["Definition"]):
        states = machine["States"]
        assert machine["StartAt"] in states, where
        seen, todo = set(), [machine["StartAt"]]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for successor in _successors(states[name]):
                assert successor in states, f"{where}.{name} goes to {successor}, which is not a state"
                todo.append(successor)
        assert seen == set(states), f"{where}: unreachable {sorted(set(states) - seen)}"


def test_every_state_either_goes_on_or_ends_and_some_path_ends(template: dict[str, Any]) -> None:
    for where, machine in _machines(_machine(template)["Definition"]):
        ends = 0
        for name, state in machine["States"].items():
            terminal = state["Type"] in TERMINAL_TYPES or state.get("End") is True
            if state["Type"] == "Choice":
                assert state.get("Choices") and "Default" in state and "End" not in state, f"{where}.{name}"
            else:
                assert terminal != ("Next" in state), f"{where}.{name} needs exactly one of Next and End"
            ends += terminal
        assert ends, f"{where}: no state ends the execution"


def test_the_fan_out_is_a_distributed_map_reading_its_items_from_s3(template: dict[str, Any]) -> None:
    """Hundreds of accounts × regions: items from S3 (ItemReader), results to S3 (ResultWriter), a bound on
    concurrency and a tolerated failure share so a few broken pairs become gaps instead of a failed run."""
    maps = [s for _, m in _machines(_machine(template)["Definition"]) for s in m["States"].values()
            if s["Type"] == "Map"]
    assert len(maps) == 1
    fan_out = maps[0]
    assert fan_out["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"
    assert fan_out["ItemReader"]["Resource"].endswith(":states:::s3:getObject")
    assert fan_out["ResultWriter"]["Resource"].endswith(":states:::s3:putObject")
    assert 0 < fan_out["MaxConcurrency"] <= 1000 and 0 <= fan_out["ToleratedFailurePercentage"] < 100


def _invoked(definition: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for where, machine in _machines(definition):
        for name, state in machine["States"].items():
            if state["Type"] == "Task":
                yield f"{where}.{name}", state["Parameters"]["FunctionName"]


def test_every_task_invokes_a_function_of_the_template(template: dict[str, Any]) -> None:
    props = _machine(template)
    substitutions = props["DefinitionSubstitutions"]
    for where, target in _invoked(props["Definition"]):
        name = SUBSTITUTION.fullmatch(target)
        assert name and name.group(1) in substitutions, f"{where} invokes {target}, not a substitution"
        resource, attribute = substitutions[name.group(1)]["Fn::GetAtt"]
        assert attribute == "Arn"
        assert template["Resources"][resource]["Type"] == "AWS::Serverless::Function", where
    used = set(SUBSTITUTION.findall(json.dumps(props["Definition"])))
    assert used == set(substitutions), "every substitution is used, and only substitutions are used"


def test_every_function_command_is_a_handler_in_the_image(template: dict[str, Any]) -> None:
    """Each image command is module.function, importable here and installed by Dockerfile.lambda (which copies
    the top-level package)."""
    dockerfile = DOCKERFILE.read_text()
    functions = {k: r for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    assert len(functions) == 4
    for name, function in functions.items():
        (command,) = function["Properties"]["ImageConfig"]["Command"]
        module, _, attribute = command.rpartition(".")
        assert callable(getattr(importlib.import_module(module), attribute)), f"{name}: {command}"
        package = module.split(".")[0]
        assert f"COPY {package} /tmp/reachbot/{package}" in dockerfile, f"{name}: {package} is not in the image"
        assert function["Metadata"]["Dockerfile"] == "deploy/sam/Dockerfile.lambda"


def _change_rules(template: dict[str, Any]) -> list[dict[str, Any]]:
    events = _machine(template)["Events"].values()
    return [e["Properties"]["Pattern"] for e in events if e["Type"] == "EventBridgeRule"]


def test_change_rules_name_real_api_operations_of_their_services(template: dict[str, Any]) -> None:
    """A CloudTrail event's eventName is the API operation's name; each one in the rules exists in botocore's
    model of one of the rule's sources (aws.ec2 → ec2, …), so a misspelt name cannot silently match nothing."""
    models = botocore.session.get_session()
    for pattern in _change_rules(template):
        assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
        assert pattern["detail"]["errorCode"] == [{"exists": False}]
        services = [source.removeprefix("aws.") for source in pattern["source"]]
        operations = {op for s in services for op in models.get_service_model(s).operation_names}
        unknown = [name for name in pattern["detail"]["eventName"] if name not in operations]
        assert not unknown, f"not operations of {services}: {unknown}"


def test_change_rules_cover_routes_endpoints_groups_acls_bucket_policies_and_firewall_rules(
        template: dict[str, Any]) -> None:
    names = {name for pattern in _change_rules(template) for name in pattern["detail"]["eventName"]}
    assert {"CreateRoute", "ReplaceRoute", "DeleteRoute", "CreateVpcEndpoint", "ModifyVpcEndpoint",
            "DeleteVpcEndpoints", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateNetworkAclEntry",
            "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry", "PutBucketPolicy", "DeleteBucketPolicy",
            "UpdateRuleGroup", "UpdateFirewallPolicy"} <= names


def test_a_change_event_starts_the_machine_with_its_account_and_region(template: dict[str, Any]) -> None:
    """The input transformer hands the state machine what its Choice state and the collect handler read."""
    definition = _machine(template)["Definition"]
    choice = definition["States"][definition["StartAt"]]
    assert choice["Type"] == "Choice" and choice["Choices"][0]["Variable"] == "$.account"
    for event in _machine(template)["Events"].values():
        if event["Type"] == "EventBridgeRule":
            transformer = event["Properties"]["InputTransformer"]
            rendered = transformer["InputTemplate"]
            for key, path in transformer["InputPathsMap"].items():
                rendered = rendered.replace(f"<{key}>", path)
            assert json.loads(rendered) == {"account": "$.account", "region": "$.region",
                                            "change": "$.detail.eventName"}
