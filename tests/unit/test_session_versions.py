"""Sessions carry the user's session version, checked on every request and bumped when the account is
disabled, deleted, re-enabled or restored, or changes role or department: a token issued before such a
change is refused for good (re-enabling a user does not revive old sessions); a new login works."""
from medpool.models.user import User
from medpool.services import users


def _me(api, token):
    return api.get("/me", token)


def _refused(reply) -> bool:
    return reply.status == 401 and reply.error_code == "session_revoked"


def test_an_old_token_is_refused_after_disable_and_re_enable(api):
    manager, old = api.login("demo-manager"), api.login("demo-nurse-em")
    assert _me(api, old).status == 200
    assert api.put("/users/demo-nurse-em", {"status": "disabled"}, manager).status == 200
    assert api.put("/users/demo-nurse-em", {"status": "active"}, manager).status == 200
    assert _refused(_me(api, old))  # before the fix: 200, the old session was alive again
    new = api.login("demo-nurse-em")
    assert _me(api, new).status == 200 and _refused(_me(api, old))


def test_an_old_token_is_refused_after_a_role_change(api):
    admin, old = api.login("demo-admin"), api.login("demo-nurse-icu")
    assert api.put("/users/demo-nurse-icu", {"role": "manager"}, admin).status == 200
    assert _refused(_me(api, old))
    new = api.login("demo-nurse-icu")
    assert _me(api, new).body["role"] == "manager"


def test_an_old_token_is_refused_after_a_department_change(api):
    manager, old = api.login("demo-manager"), api.login("demo-nurse-em")
    assert api.put("/users/demo-nurse-em", {"department_id": "ICU"}, manager).status == 200
    assert _refused(_me(api, old))
    assert _me(api, api.login("demo-nurse-em")).body["department_id"] == "ICU"


def test_an_old_token_is_refused_after_delete_and_restore(api):
    admin_token, old = api.login("demo-admin"), api.login("demo-nurse-em")
    assert api.delete("/users/demo-nurse-em", admin_token).status in (200, 204)
    users.create_admin("system", "demo-nurse-em", "刘护士长", "EM")  # `medpool create-admin` restores the account
    assert _refused(_me(api, old))
    assert _me(api, api.login("demo-nurse-em")).status == 200


def test_a_profile_edit_keeps_the_session(api):
    token = api.login("demo-nurse-icu")
    version = User.get("demo-nurse-icu").session_version
    assert api.put("/me", {"name": "张护士"}, token).status == 200
    manager = api.login("demo-manager")
    assert api.put("/users/demo-nurse-icu", {"name": "张护士长"}, manager).status == 200
    assert _me(api, token).status == 200 and User.get("demo-nurse-icu").session_version == version


def test_a_token_without_a_session_version_is_refused(api):
    from datetime import timedelta

    from medpool.services import sessions

    unversioned = sessions._issue(sessions.SESSION, "demo-nurse-icu", timedelta(hours=1))  # as issued before versions
    assert _refused(_me(api, unversioned.token))
