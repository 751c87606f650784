#pragma once
// tern::json: JSON for the framework and for anyone else. No HTTP in it.
//
//     struct Item { std::string name; double price; std::optional<std::string> note; };
//     TERN_JSON(Item, name, price, note)
//
//     std::string text = tern::json::dump(Item{"pen", 1.5, std::nullopt});
//     Item item = tern::json::parse<Item>(text);            // ParseError / ValidationError
//     tern::json::Value v = tern::json::parse(text);
//     double price = v["price"].as_double();

#include <tern/json/dump.hpp>
#include <tern/json/error.hpp>
#include <tern/json/model.hpp>
#include <tern/json/parse.hpp>
#include <tern/json/reader.hpp>
#include <tern/json/rules.hpp>
#include <tern/json/schema.hpp>
#include <tern/json/value.hpp>
#include <tern/json/writer.hpp>
