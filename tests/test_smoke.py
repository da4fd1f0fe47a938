def test_public_pages_render(client, ctx, create_session, create_user, login):
    session = create_session()
    assert client.get("/").status_code == 200
    assert client.get(f"/sessions/{session.id}").status_code == 200
    assert client.get("/venues").status_code == 200
    user = create_user("admin")
    login(client, user)
    for url in ["/staff/sessions", "/staff/sessions?view=month", "/staff/sessions/new",
                f"/staff/sessions/{session.id}", "/staff/series", "/staff/series/new",
                "/staff/venues", "/staff/venues/new", "/staff/programs", "/staff/programs/new",
                "/staff/districts", "/admin/users", "/admin/users/new", "/admin/tokens",
                "/admin/audit", "/account", f"/staff/sessions/{session.id}/cancel"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.data[:2000])
