def test_demo_admin_logs_in(api):
    token = api.login("demo-admin")
    me = api.get("/me", token)
    assert me.status == 200 and me.body["role"] == "admin"
