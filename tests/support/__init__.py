"""What the tests share, and only that (no test and no fixture here: fixtures live in the
conftest.py files).

- db: the backends under test, fresh PostgreSQL databases, emptying tables, counting statements
- world: Acme, the small company most integration tests run against (TODAY, BOOTSTRAP)
- graphql: running queries and mutations against the app (Api, make_app, run, gid)
- codes: which declared error codes a test module never names
- pipeline, targets, alerts, capability, practice: builders of rows and GraphQL requests per context
- routing: builders and hypothesis strategies of routing inputs (policies, reps, leads)
- rep_replies: the replies of a strong rep and of a weak one in a role-play
- live_app: the app under uvicorn on a free port, and a websocket subscription client
- pacer_cli: the real `pacer` command (and a free port, waiting for a server)
- notify_receiver, scripted_llm: local servers the app talks to in tests
- matrices: the authorization matrix's entries per context
- graphql_fuzzing: strategies and bookkeeping for the GraphQL fuzz test
- scenario_sample: a small valid role-play scenario to break one thing at a time
"""
