from tests.conftest import alice, make_user  # noqa: F401
