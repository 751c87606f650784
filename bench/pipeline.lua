-- wrk script: send requests pipelined 16 deep (TechEmpower's pipeline.lua, our own wording).
-- Usage: wrk -s bench/pipeline.lua http://host:port/path
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format()
  end
  req = table.concat(r)
end

request = function()
  return req
end
