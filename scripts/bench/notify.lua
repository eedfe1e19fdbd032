-- wrk script: POST /api/v1/notifications with a new person each time (a valid NHS number in
-- the 999 test range, names no other request shares), as a hospital's system would send them.
-- Used by scripts/bench.py; `wrk -s notify.lua http://host:port`.

wrk.method = "POST"
wrk.path = "/api/v1/notifications"
wrk.headers["Content-Type"] = "application/json"

local counter = 0
local salt = 0

function setup(thread)
  salt = salt + 1
  thread:set("salt", salt)
end

function init(args)
  salt = tonumber(salt) or 1
  math.randomseed(os.time() * 1000 + salt)
  counter = math.random(1, 1000000000)
end

-- A valid NHS number (modulus 11) starting 999, the range never issued to patients.
local function nhs_number(n)
  while true do
    local digits = string.format("999%06d", n % 1000000)
    local sum = 0
    for i = 1, 9 do
      sum = sum + tonumber(digits:sub(i, i)) * (11 - i)
    end
    local check = 11 - (sum % 11)
    if check == 11 then check = 0 end
    if check ~= 10 then
      return digits .. tostring(check)
    end
    n = n + 1
  end
end

local letters = "abcdefghijklmnopqrstuvwxyz"
local function name(n)
  local s = ""
  repeat
    local i = n % 26
    s = s .. letters:sub(i + 1, i + 1)
    n = math.floor(n / 26)
  until n == 0
  return "Bench" .. s
end

function request()
  counter = counter + 1
  local year = 1940 + (counter % 60)
  local body = string.format(
    '{"notifier":{"name":"Sam Okafor","relationship":"carer"},' ..
    '"person":{"given_name":"%s","family_name":"%s","nhs_number":"%s",' ..
    '"date_of_birth":"%d-03-02","date_of_death":"2026-%02d-%02d","sex":"female",' ..
    '"ethnic_category":"A","learning_disability":true,"autistic":false,' ..
    '"lived_in_england":true,"national_data_opt_out":false,"area_code":"QOP",' ..
    '"place_of_death":"hospital"},"circumstances":"Benchmark.",' ..
    '"family_requests_focused_review":false}',
    name(counter), name(counter * 7 + salt), nhs_number(counter), year,
    1 + counter % 10, 1 + counter % 28)
  return wrk.format(nil, nil, nil, body)
end
