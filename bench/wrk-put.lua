-- wrk script: the PUT of the check's plain update, with its headers and body.
-- The token comes from the environment (SPP_TOKEN), as everywhere in the project.
wrk.method = "PUT"
wrk.path = "/api/tickets/E4A269FC"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("SPP_TOKEN") or "")
wrk.body = '{"subject":"benchmark","tags":["spp-harness"]}'
