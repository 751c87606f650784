#pragma once
// Everything a tern program uses, in one include.
#include <tern/error.hpp>
#include <tern/event.hpp>
#include <tern/fs.hpp>
#include <tern/gather.hpp>
#include <tern/generator.hpp>
#include <tern/log.hpp>
#include <tern/loop.hpp>
#include <tern/queue.hpp>
#include <tern/semaphore.hpp>
#include <tern/spawn.hpp>
#include <tern/task.hpp>
#include <tern/thread.hpp>
#include <tern/time.hpp>
