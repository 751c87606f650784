#pragma once
// tern's async core (asyncio in C++): tasks, the libuv loop, spawn, gather/first/wait_for,
// sleep, Semaphore, Event, Queue, TaskScope, Generator, to_thread, files, logging. No HTTP, no
// JSON: a program that only wants coroutines on libuv includes this and links nothing else in.
#include <tern/core/error.hpp>
#include <tern/core/event.hpp>
#include <tern/core/file.hpp>
#include <tern/core/fs.hpp>
#include <tern/core/gather.hpp>
#include <tern/core/generator.hpp>
#include <tern/core/log.hpp>
#include <tern/core/loop.hpp>
#include <tern/core/queue.hpp>
#include <tern/core/scope.hpp>
#include <tern/core/semaphore.hpp>
#include <tern/core/shield.hpp>
#include <tern/core/spawn.hpp>
#include <tern/core/task.hpp>
#include <tern/core/thread.hpp>
#include <tern/core/time.hpp>
