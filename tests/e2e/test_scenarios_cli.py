"""`pacer scenarios check` as a real command, on a good and a bad directory."""

from __future__ import annotations

from tests.support.pacer_cli import pacer
from tests.support.scenario_sample import minimal_scenario, write_scenario


def test_a_good_directory_lists_its_scenarios(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    write_scenario(good, minimal_scenario("price_objection"))
    write_scenario(good, minimal_scenario("cold_call"))
    done = pacer("scenarios", "check", str(good), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "cold_call v1  软件价格异议 / Price objection in B2B software  "
        "(3 personas, 4 objections, 2 criteria)",
        "price_objection v1  软件价格异议 / Price objection in B2B software  "
        "(3 personas, 4 objections, 2 criteria)",
        f"2 scenario file(s) in {good}: all good.",
    ]
    assert done.stderr == ""


def test_a_bad_directory_prints_each_problem_and_fails(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    write_scenario(bad, minimal_scenario("fine"))
    broken = minimal_scenario("broken")
    broken["objections"][1]["addressed_by"] = ["ask_budgt"]
    broken["turn_limits"] = {"min": 9, "max": 4}
    write_scenario(bad, broken)
    (bad / "truncated.json").write_text('{"id": "truncated",\n')
    done = pacer("scenarios", "check", str(bad), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{bad / 'broken.json'}: $.objections[1].addressed_by[0]: no check has the id "
        "'ask_budgt'; did you mean 'ask_budget'?",
        f"{bad / 'broken.json'}: $.turn_limits: min (9) must not be more than max (4)",
        f"{bad / 'truncated.json'}: $: not valid JSON: Expecting property name enclosed in "
        "double quotes at line 2, column 1",
    ]
    assert done.stderr == (
        f"pacer: error: 3 problem(s) in 2 of 3 scenario file(s) in {bad}; "
        "a file with a problem is not loaded\n"
    )


def test_the_directory_comes_from_the_setting_and_must_exist(tmp_path):
    write_scenario(tmp_path, minimal_scenario())
    done = pacer("scenarios", "check", cwd=tmp_path, env={"PACER_SCENARIOS_DIR": str(tmp_path)})
    assert done.returncode == 0 and done.stdout.startswith("price_objection v1"), done.stderr
    missing = tmp_path / "missing"
    done = pacer("scenarios", "check", cwd=tmp_path, env={"PACER_SCENARIOS_DIR": str(missing)})
    assert done.returncode == 2
    assert done.stderr == (
        f"pacer: error: PACER_SCENARIOS_DIR: directory {str(missing)!r} does not exist\n"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    done = pacer("scenarios", "check", str(empty), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == f"pacer: error: no scenario files (*.json) in {empty}\n"


def test_help_shows_an_example(tmp_path):
    done = pacer("scenarios", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "pacer scenarios check ./my-scenarios" in done.stdout
    assert "FILE: JSON-PATH: MESSAGE" in done.stdout


def test_serve_refuses_to_start_on_a_bad_scenario_file(tmp_path):
    broken = minimal_scenario("broken")
    broken["objections"][1]["addressed_by"] = ["ask_budgt"]
    write_scenario(tmp_path, broken)
    env = {
        "PACER_SCENARIOS_DIR": str(tmp_path),
        "PACER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pacer.db'}",
    }
    done = pacer("serve", "--port", "1", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "pacer: error: 1 problem(s) in 1 scenario file(s):",
        f"{tmp_path / 'broken.json'}: $.objections[1].addressed_by[0]: no check has the id "
        "'ask_budgt'; did you mean 'ask_budget'?",
        "fix them (see `pacer scenarios check`) and start again",
    ]
    assert not (tmp_path / "pacer.db").exists()  # nothing started, nothing created


def test_a_recommendation_not_followed_is_a_warning_and_the_file_still_loads(tmp_path):
    lean = tmp_path / "lean"
    lean.mkdir()
    scenario = minimal_scenario("lean")
    for objection in scenario["objections"]:
        objection["phrasings"] = objection["phrasings"][:1]
    write_scenario(lean, scenario)
    done = pacer("scenarios", "check", str(lean), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stdout.splitlines() if line.startswith("warning: ")]
    assert warnings and all(str(lean / "lean.json") in line for line in warnings)
    assert any("phrasing" in line for line in warnings)
    assert done.stdout.splitlines()[-1] == f"1 scenario file(s) in {lean}: all good."
