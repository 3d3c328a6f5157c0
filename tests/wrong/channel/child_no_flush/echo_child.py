import pickle
import sys


def main():
    while True:
        try:
            obj = pickle.load(sys.stdin.buffer)
        except EOFError:
            break
        pickle.dump(("child", obj), sys.stdout.buffer)  # no flush: stays in the buffer


if __name__ == "__main__":
    main()
